package io.fmebridge.store;

import java.util.ArrayList;
import java.util.List;

import io.fmebridge.destination.MappingResult;
import io.fmebridge.source.ImpressionWrites;

/**
 * Everything one request writes: the results of its Segment messages, or its impressions.
 * Committed in one piece, so a request is stored whole or not at all.
 */
public final class WriteSet {
    private final List<MappingResult> results = new ArrayList<>();
    private final List<ImpressionWrites> impressions = new ArrayList<>();
    private final List<ConsumerPositions.Advance> positions = new ArrayList<>();

    public static WriteSet of(ImpressionWrites writes) {
        WriteSet set = new WriteSet();
        set.impressions.add(writes);
        return set;
    }

    public void add(MappingResult result) {
        results.add(result);
    }

    public List<MappingResult> results() {
        return results;
    }

    /** With fme.queue=kafka: how far the poll these results came from is stored, written with them. */
    public List<ConsumerPositions.Advance> positions() {
        return positions;
    }

    public List<ImpressionWrites> impressions() {
        return impressions;
    }

    /** The database's verdict: each result that another instance stored first becomes its duplicate. */
    void replace(java.util.Map<MappingResult, MappingResult> lost) {
        if (!lost.isEmpty()) {
            results.replaceAll(r -> lost.getOrDefault(r, r));
        }
    }

    public boolean isEmpty() {
        return results.isEmpty() && positions.isEmpty() && impressions.stream().allMatch(ImpressionWrites::isEmpty);
    }
}
