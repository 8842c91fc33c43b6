package io.fmebridge.queue;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Whether the readout waits before storing its next impressions entry: while delivery still has
 * entries to map, so that Segment gets the impressions first, but never once the entry has waited
 * {@code fme.journal.readout-delay} since its 200 (0: never waits).
 */
final class ReadoutHoldBack implements Predicate<LogEntry> {
    private final BooleanSupplier deliveryBehind;
    private final long delayMillis;
    private final LongSupplier clock;

    ReadoutHoldBack(BooleanSupplier deliveryBehind, long delayMillis, LongSupplier clock) {
        this.deliveryBehind = deliveryBehind;
        this.delayMillis = delayMillis;
        this.clock = clock;
    }

    @Override
    public boolean test(LogEntry next) {
        return clock.getAsLong() - next.receivedAt() < delayMillis && deliveryBehind.getAsBoolean();
    }
}
