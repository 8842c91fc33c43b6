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
    private final List<io.fmebridge.queue.LogEntry> journal = new ArrayList<>();
    private final List<io.fmebridge.source.GatheredBatch> outbox = new ArrayList<>();
    private Long journalEntry;                  // the tag of the rows written; null: not from the journal
    private long unmappedFrom = Long.MAX_VALUE; // rows tagged at or above it are not yet marked mapped
    private boolean replaying;

    /** A request accepted into the journal: the one row written before its 200. */
    public static WriteSet append(io.fmebridge.queue.LogEntry entry) {
        WriteSet set = new WriteSet();
        set.journal.add(entry);
        return set;
    }

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

    /** Entries appended to the journal. */
    public List<io.fmebridge.queue.LogEntry> journal() {
        return journal;
    }

    /** Complete batches for Segment, handed to the outbox with the rest. */
    public List<io.fmebridge.source.GatheredBatch> outbox() {
        return outbox;
    }

    /** How far the log (journal or Kafka) these results came from is mapped, written with them. */
    public List<ConsumerPositions.Advance> positions() {
        return positions;
    }

    /**
     * These results are mapped from journal entries: their events and messageIds are tagged with
     * {@code lastEntry}. When {@code replaying}, events of theirs tagged at or above {@code firstEntry}
     * (left by a transaction a kill cut short) are removed before they are written again.
     */
    public void fromJournal(long firstEntry, long lastEntry, boolean replaying) {
        this.unmappedFrom = firstEntry;
        this.journalEntry = lastEntry;
        this.replaying = replaying;
    }

    /** The journal entry the rows are tagged with, null when they come from Kafka. */
    public Long journalEntry() {
        return journalEntry;
    }

    public long unmappedFrom() {
        return unmappedFrom;
    }

    public boolean replaying() {
        return replaying;
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
        return results.isEmpty() && positions.isEmpty() && journal.isEmpty() && outbox.isEmpty() && impressions.stream().allMatch(ImpressionWrites::isEmpty);
    }
}
