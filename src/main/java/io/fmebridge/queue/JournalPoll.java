package io.fmebridge.queue;

import java.util.List;

import io.fmebridge.store.ConsumerPositions;

/**
 * Entries of the journal read in order, not yet mapped, and how far mapping them takes the consumer.
 *
 * @param replaying whether the entries were already in the journal, not yet mapped, when the consumer
 *                  started: after a kill, the store may hold part of what mapping them wrote before
 */
public record JournalPoll(List<LogEntry> entries, ConsumerPositions.Advance advance, boolean replaying) implements LogPoll {

    public JournalPoll(List<LogEntry> entries, ConsumerPositions.Advance advance) {
        this(entries, advance, false);
    }

    @Override
    public long unmappedFrom() {
        return entries.get(0).id();
    }

    /** The tag of the rows this poll writes: its last entry, below the position it moves to. */
    public long lastEntry() {
        return entries.get(entries.size() - 1).id();
    }
}
