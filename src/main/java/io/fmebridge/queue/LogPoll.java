package io.fmebridge.queue;

import io.fmebridge.store.ConsumerPositions;

/** What a consumer of either log hands to its route: entries not yet mapped, and how far they take its position. */
public interface LogPoll {
    ConsumerPositions.Advance advance();

    /**
     * Rows tagged with a journal entry at or above this one are not yet marked mapped: a transaction
     * cut short by a kill may have left them. Kafka's records tag no rows.
     */
    default long unmappedFrom() {
        return Long.MAX_VALUE;
    }
}
