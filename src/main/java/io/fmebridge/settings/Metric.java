package io.fmebridge.settings;

import java.util.Locale;

/**
 * A metric of the experiment readout (settings, "metrics"): what one event type of an environment
 * and traffic type measures per key exposed to a flag.
 */
public record Metric(
        String id,
        String name,
        String description,
        String environment,
        String trafficType,
        String eventType,
        Measure measure,
        boolean higherIsBetter) {

    /** What is measured per key, over its events after its first impression. */
    public enum Measure {
        /** whether the key had the event at all: a rate */
        conversion,
        /** how many events the key had */
        count,
        /** the sum of the events' values (no value counts 0) */
        sum,
        /** the average of the events' values; keys without a valued event are left out */
        average;

        public static Measure parse(String text) {
            return valueOf(text.trim().toLowerCase(Locale.ROOT));
        }

        /** A rate (two-proportion test) rather than a mean (Welch's test). */
        public boolean isRate() {
            return this == conversion;
        }
    }
}
