package io.fmebridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fmebridge.source.Impression;

/** The id that stores an impression once: the same for the same impression, ordered by time. */
class ImpressionIdTest {
    private static Impression impression(String key, long time, String label) {
        return new Impression("prod", "new_checkout", key, "on", time, 42L, label, null);
    }

    @Test
    void theSameImpressionHasTheSameIdAndAnyOtherFieldMakesAnother() {
        String id = ImpressionStore.impressionId(impression("u1", 1_764_000_000_000L, "rule"));

        assertThat(ImpressionStore.impressionId(impression("u1", 1_764_000_000_000L, "rule"))).isEqualTo(id).hasSize(32);
        assertThat(ImpressionStore.impressionId(impression("u2", 1_764_000_000_000L, "rule"))).isNotEqualTo(id);
        assertThat(ImpressionStore.impressionId(impression("u1", 1_764_000_000_001L, "rule"))).isNotEqualTo(id);
        assertThat(ImpressionStore.impressionId(impression("u1", 1_764_000_000_000L, "default rule"))).isNotEqualTo(id);
        assertThat(ImpressionStore.impressionId(new Impression("stage", "new_checkout", "u1", "on", 1_764_000_000_000L, 42L,
                "rule", null))).isNotEqualTo(id);
    }

    @Test
    void idsSortAsTheirTimesDoSoThatInsertsStayAtTheIndexEnd() {
        long[] times = {-5_000L, -1L, 0L, 1L, 1_764_000_000_000L, 1_764_000_000_001L, Long.MAX_VALUE};
        for (int i = 1; i < times.length; i++) {
            assertThat(ImpressionStore.impressionId(impression("zzz", times[i - 1], "r")))
                    .isLessThan(ImpressionStore.impressionId(impression("aaa", times[i], "r")));
        }
    }
}
