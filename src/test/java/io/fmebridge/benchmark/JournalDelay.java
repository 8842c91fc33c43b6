package io.fmebridge.benchmark;

import java.util.Map;
import java.util.TreeMap;

/**
 * The time from a request's arrival to its data being queryable, from the difference of two
 * readings of the {@code fme_journal_delay_seconds} histogram of one log: its p99 is the upper
 * bound of the first bucket that holds 99% of the entries mapped in between.
 */
final class JournalDelay {
    private final Map<Double, Double> buckets; // upper bound in seconds -> entries at most that late

    private JournalDelay(Map<Double, Double> buckets) {
        this.buckets = buckets;
    }

    static JournalDelay of(String prometheus, String log) {
        Map<Double, Double> buckets = new TreeMap<>();
        String prefix = "fme_journal_delay_seconds_bucket{";
        for (String line : prometheus.split("\n")) {
            if (!line.startsWith(prefix) || !line.contains("log=\"" + log + "\"")) {
                continue;
            }
            int le = line.indexOf("le=\"");
            String bound = line.substring(le + 4, line.indexOf('"', le + 4));
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            buckets.put(upper, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
        }
        return new JournalDelay(buckets);
    }

    /** The p99 of the entries mapped between {@code before} and this reading, in ms; -1 if none. */
    double p99MillisSince(JournalDelay before) {
        double total = count() - before.count();
        if (total <= 0) {
            return -1;
        }
        for (var b : buckets.entrySet()) {
            double n = b.getValue() - before.buckets.getOrDefault(b.getKey(), 0.0);
            if (n >= 0.99 * total) {
                return b.getKey() * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private double count() {
        return buckets.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    }
}
