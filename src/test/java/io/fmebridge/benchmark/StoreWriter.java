package io.fmebridge.benchmark;

/**
 * What the service's store writer did during a scenario, from the difference of two readings of
 * {@code fme_store_commit_*} in /actuator/prometheus: every answer 200 waits for this one thread,
 * so its busy share says whether the store is what limits the service.
 */
record StoreWriter(double commits, double requests, double writeSeconds, double flushSeconds, double elapsedSeconds) {

    /** One reading of the service's meters, and when it was taken. */
    record Reading(double commits, double requests, double writeSeconds, double flushSeconds, long atNanos) {
        static Reading of(String prometheus) {
            return new Reading(sample(prometheus, "fme_store_commit_seconds_count", "step=\"write\""),
                    sample(prometheus, "fme_store_commit_requests_sum", null),
                    sample(prometheus, "fme_store_commit_seconds_sum", "step=\"write\""),
                    sample(prometheus, "fme_store_commit_seconds_sum", "step=\"flush\""), System.nanoTime());
        }

        /** The journal's writer, which every answer 200 waits for. */
        static Reading journal(String prometheus) {
            return new Reading(sample(prometheus, "fme_journal_commit_seconds_count", "step=\"write\""),
                    sample(prometheus, "fme_journal_commit_requests_sum", null),
                    sample(prometheus, "fme_journal_commit_seconds_sum", "step=\"write\""),
                    sample(prometheus, "fme_journal_commit_seconds_sum", "step=\"flush\""), System.nanoTime());
        }
    }

    static StoreWriter between(Reading before, Reading after) {
        return new StoreWriter(after.commits() - before.commits(), after.requests() - before.requests(),
                after.writeSeconds() - before.writeSeconds(), after.flushSeconds() - before.flushSeconds(),
                (after.atNanos() - before.atNanos()) / 1e9);
    }

    /** Share of the time the writer spent writing or flushing, 0 to 1. */
    double busy() {
        return elapsedSeconds <= 0 ? 0 : (writeSeconds + flushSeconds) / elapsedSeconds;
    }

    double requestsPerCommit() {
        return commits == 0 ? 0 : requests / commits;
    }

    double writeMillisPerCommit() {
        return commits == 0 ? 0 : writeSeconds * 1000 / commits;
    }

    double flushMillisPerCommit() {
        return commits == 0 ? 0 : flushSeconds * 1000 / commits;
    }

    /** The value of a sample line of the Prometheus text format, or 0 if there is none. */
    static double sample(String prometheus, String name, String label) {
        for (String line : prometheus.split("\n")) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && (label == null || line.contains(label))) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
