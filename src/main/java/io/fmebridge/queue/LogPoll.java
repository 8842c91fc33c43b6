package io.fmebridge.queue;

import io.fmebridge.store.ConsumerPositions;

/** What a consumer of either log hands to its route: entries not yet mapped, and how far they take its position. */
public interface LogPoll {
    ConsumerPositions.Advance advance();
}
