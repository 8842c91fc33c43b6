package io.fmebridge.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** docs/architecture.md, "The readout behind delivery": it waits while delivery is behind, up to fme.journal.readout-delay. */
class ReadoutHoldBackTest {
    private static final long NOW = 1_000_000;

    private static LogEntry receivedAt(long at) {
        return new LogEntry(7, LogEntry.IMPRESSIONS, "prod", null, at, new byte[0]);
    }

    @Test
    void waitsWhileDeliveryIsBehind() {
        assertThat(new ReadoutHoldBack(() -> true, 60_000, () -> NOW).test(receivedAt(NOW - 1_000))).isTrue();
    }

    @Test
    void storesAtOnceWhenDeliveryHasCaughtUp() {
        assertThat(new ReadoutHoldBack(() -> false, 60_000, () -> NOW).test(receivedAt(NOW - 1_000))).isFalse();
    }

    @Test
    void neverWaitsPastTheDelay() {
        assertThat(new ReadoutHoldBack(() -> true, 60_000, () -> NOW).test(receivedAt(NOW - 60_000))).isFalse();
    }

    @Test
    void aDelayOfZeroNeverWaits() {
        assertThat(new ReadoutHoldBack(() -> true, 0, () -> NOW).test(receivedAt(NOW))).isFalse();
    }
}
