package io.fmebridge.store;

import java.util.ArrayList;
import java.util.List;

import io.fmebridge.destination.MappingResult;

/**
 * Everything one request writes: the results of its messages. Committed in one piece, so a
 * request is stored whole or not at all.
 */
public final class WriteSet {
    private final List<MappingResult> results = new ArrayList<>();

    public void add(MappingResult result) {
        results.add(result);
    }

    public List<MappingResult> results() {
        return results;
    }
}
