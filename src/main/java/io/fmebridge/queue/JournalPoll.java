package io.fmebridge.queue;

import java.util.List;

import io.fmebridge.store.ConsumerPositions;

/** Entries of the journal read in order, not yet mapped, and how far mapping them takes the consumer. */
public record JournalPoll(List<LogEntry> entries, ConsumerPositions.Advance advance) implements LogPoll {
}
