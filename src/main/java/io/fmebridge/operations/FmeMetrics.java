package io.fmebridge.operations;

import java.time.Duration;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The product's own counters, per destination and per source, as Micrometer meters (and so in
 * {@code /actuator/prometheus}). They count from the start of the process; the stats endpoints
 * count from the start of the database.
 */
@Component
public class FmeMetrics {
    private final MeterRegistry registry;
    private final Timer storeWrite;
    private final Timer storeFlush;
    private final DistributionSummary storeRequests;
    private final Timer journalWrite;
    private final Timer journalFlush;
    private final DistributionSummary journalRequests;
    private final Timer segmentDelay;
    private final Timer impressionsDelay;

    public FmeMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.storeWrite = storeTimer(registry, "write");
        this.storeFlush = storeTimer(registry, "flush");
        this.storeRequests = DistributionSummary.builder("fme.store.commit.requests")
                .description("Requests answered by one group commit").register(registry);
        this.journalWrite = Timer.builder("fme.journal.commit").description("One group commit of the journal: its appends, "
                + "then the flush to disk").tag("step", "write").register(registry);
        this.journalFlush = Timer.builder("fme.journal.commit").description("One group commit of the journal: its appends, "
                + "then the flush to disk").tag("step", "flush").register(registry);
        this.journalRequests = DistributionSummary.builder("fme.journal.commit.requests")
                .description("Requests appended by one group commit of the journal").register(registry);
        this.segmentDelay = delayTimer(registry, io.fmebridge.queue.LogEntry.SEGMENT);
        this.impressionsDelay = delayTimer(registry, io.fmebridge.queue.LogEntry.IMPRESSIONS);
    }

    private static Timer storeTimer(MeterRegistry registry, String step) {
        return Timer.builder("fme.store.commit")
                .description("One group commit: writing and committing its transaction, then flushing the store to disk")
                .tag("step", step).register(registry);
    }

    /** Times one group commit of the store's writer (registered once: it runs hundreds of times a second). */
    public void storeCommitted(io.fmebridge.store.GroupCommitWriter.GroupTiming timing) {
        storeWrite.record(timing.writeNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        storeFlush.record(timing.flushNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        storeRequests.record(timing.requests());
    }

    /** Times one group commit of the journal's writer: the appends answered by one flush. */
    public void journalCommitted(io.fmebridge.store.GroupCommitWriter.GroupTiming timing) {
        journalWrite.record(timing.writeNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        journalFlush.record(timing.flushNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        journalRequests.record(timing.requests());
    }

    /**
     * Entries of a log just mapped: for each, the time from its arrival to being queryable (a little
     * more than from its 200, which follows the append's flush).
     */
    public void journalMapped(String log, java.util.List<io.fmebridge.queue.LogEntry> entries) {
        Timer delay = isSegment(log) ? segmentDelay : impressionsDelay;
        long now = System.currentTimeMillis();
        for (io.fmebridge.queue.LogEntry e : entries) {
            delay.record(Math.max(0, now - e.receivedAt()), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private static boolean isSegment(String log) {
        return io.fmebridge.queue.LogEntry.SEGMENT.equals(log);
    }

    private static Timer delayTimer(MeterRegistry registry, String log) {
        return Timer.builder("fme.journal.delay")
                .description("From a request's arrival to its data being queryable, per log of the journal")
                .tag("log", log).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    }

    /** Counts what a group commit has just written. */
    public void committed(io.fmebridge.store.WriteSet writeSet) {
        // summed first, so that each counter is looked up once per commit, not once per message
        java.util.Map<java.util.List<String>, Long> messages = new java.util.HashMap<>();
        java.util.Map<java.util.List<String>, Long> dropped = new java.util.HashMap<>();
        for (io.fmebridge.destination.MappingResult r : writeSet.results()) {
            messages.merge(java.util.List.of(r.destinationId(), "received"), 1L, Long::sum);
            if (r.stored()) {
                messages.merge(java.util.List.of(r.destinationId(), "stored"), 1L, Long::sum);
            }
            if (r.duplicate()) {
                messages.merge(java.util.List.of(r.destinationId(), "duplicate"), 1L, Long::sum);
            }
            r.drops().forEach(d -> dropped.merge(java.util.List.of(d.destinationId(), d.reason().code()), 1L, Long::sum));
        }
        messages.forEach((key, count) -> destinationMessages(key.get(0), key.get(1), count));
        dropped.forEach((key, count) -> destinationDropped(key.get(0), key.get(1), count));
        for (io.fmebridge.source.ImpressionWrites w : writeSet.impressions()) {
            w.accepted().forEach((source, count) -> sourceMessages(source, "accepted", count));
            w.deadLetters().forEach(d -> sourceMessages(d.sourceId(), "dead_lettered", 1));
        }
    }

    /** Segment messages of a destination: {@code received}, {@code stored} or {@code duplicate}. */
    public void destinationMessages(String destinationId, String outcome, long count) {
        if (count > 0) {
            Counter.builder("fme.destination.messages").description("Segment messages taken in, by outcome")
                    .tag("destination", destinationId).tag("outcome", outcome).register(registry).increment(count);
        }
    }

    /** Messages, events or attributes of a destination that were not stored, by reason. */
    public void destinationDropped(String destinationId, String reason, long count) {
        if (count > 0) {
            Counter.builder("fme.destination.dropped").description("Drops recorded, by reason")
                    .tag("destination", destinationId).tag("reason", reason).register(registry).increment(count);
        }
    }

    /** get_treatment messages of a source: {@code accepted}, {@code delivered} or {@code dead_lettered}. */
    public void sourceMessages(String sourceId, String outcome, long count) {
        if (count > 0) {
            Counter.builder("fme.source.messages").description("get_treatment messages, by outcome")
                    .tag("source", sourceId).tag("outcome", outcome).register(registry).increment(count);
        }
    }

    /** A batch attempt that will be tried again. */
    public void sourceRetried(String sourceId) {
        Counter.builder("fme.source.retries").description("Batch attempts that will be retried")
                .tag("source", sourceId).register(registry).increment();
    }

    /** From a batch's completion to Segment's acknowledgement. */
    public void sourceDeliveryLatency(String sourceId, Duration latency) {
        Timer.builder("fme.source.delivery.latency").description("From a complete batch to Segment's 2xx")
                .tag("source", sourceId).register(registry).record(latency);
    }
}
