package io.fmebridge.queue;

import java.util.LinkedHashMap;
import java.util.Map;

import io.fmebridge.store.Journal;

/**
 * How far the consumers are behind the journal: entries appended (answered 200) but not yet mapped,
 * and how long the oldest of them has waited, per log and per destination or environment. Zero
 * entries means everything answered so far is queryable.
 */
public final class JournalLag {
    private final Journal journal;
    private final JournalConsumers consumers;
    private volatile Snapshot cached;

    public JournalLag(Journal journal, JournalConsumers consumers) {
        this.journal = journal;
        this.consumers = consumers;
    }

    /** One log's lag, and each target's within it. */
    public record LogLag(long entries, double seconds, Map<String, Lag> byTarget) {
    }

    public record Lag(long entries, double seconds) {
    }

    /** Both logs at one moment. */
    public record Snapshot(long at, long entries, double seconds, Map<String, LogLag> logs) {
        public Lag of(String log, String target) {
            LogLag l = logs.get(log);
            return l == null ? new Lag(0, 0) : l.byTarget().getOrDefault(target, new Lag(0, 0));
        }
    }

    /** Measured now, from the database: what a caller that just had its 200 must see. */
    public Snapshot now() {
        long now = System.currentTimeMillis();
        Map<String, LogLag> logs = new LinkedHashMap<>();
        long entries = 0;
        double seconds = 0;
        for (String log : new String[] {LogEntry.SEGMENT, LogEntry.IMPRESSIONS}) {
            var mapped = consumers.next(log); // the slowest consumer's: entries are queryable once all have them
            if (mapped.isEmpty()) {
                continue;
            }
            Map<String, Lag> byTarget = new LinkedHashMap<>();
            long logEntries = 0;
            double logSeconds = 0;
            for (var e : journal.behind(log, mapped.getAsLong()).entrySet()) {
                double waited = Math.max(0, now - e.getValue().oldestReceivedAt()) / 1000.0;
                byTarget.put(e.getKey(), new Lag(e.getValue().entries(), waited));
                logEntries += e.getValue().entries();
                logSeconds = Math.max(logSeconds, waited);
            }
            logs.put(log, new LogLag(logEntries, logSeconds, byTarget));
            entries += logEntries;
            seconds = Math.max(seconds, logSeconds);
        }
        Snapshot s = new Snapshot(now, entries, seconds, logs);
        cached = s;
        return s;
    }

    /** At most a second old: for gauges, MBeans and health, which are read often. */
    public Snapshot recent() {
        Snapshot s = cached;
        return s != null && System.currentTimeMillis() - s.at() < 1_000 ? s : now();
    }
}
