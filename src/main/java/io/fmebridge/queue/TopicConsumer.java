package io.fmebridge.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmebridge.store.ConsumerPositions;
import io.fmebridge.store.DataRefusedException;

/**
 * One consumer of a group. For each poll it leaves out the records already stored (the
 * partitions' positions in the database), hands the rest to {@code handler} (a route, which
 * stores them and moves the positions on in the same transaction), and only then commits the
 * offsets to Kafka. A record read again after an instance died or a rebalance is thus never
 * stored twice, whether it has a messageId or not.
 *
 * <p>When the handler fails, the poll is tried again, and then record by record: a record whose
 * data the database refuses (a data or constraint error: it would fail every time) is logged in
 * full at ERROR and passed over, so that it can't hold up its partition forever; any other failure
 * (the database down or busy, a timeout) passes nothing over, and the poll is read again after a
 * pause, however long that takes.
 */
public final class TopicConsumer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(TopicConsumer.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long BACKOFF_MILLIS = 1_000;
    private static final int TRIES = 3;

    private final String group;
    private final String topic;
    private final Map<String, Object> config;
    private final ConsumerPositions positions;
    private final Consumer<Poll> handler;
    private final io.micrometer.core.instrument.MeterRegistry metrics;
    private volatile boolean running = true;
    private String lastFailure;
    private boolean lastFailureRefusedTheData;

    /** @param metrics where the consumer's lag and failures are shown ({@code /actuator/prometheus}); may be null */
    public TopicConsumer(String brokers, String group, String topic, Map<String, Object> extraConfig, ConsumerPositions positions,
                         io.micrometer.core.instrument.MeterRegistry metrics, Consumer<Poll> handler) {
        this.metrics = metrics;
        this.group = group;
        this.topic = topic;
        this.positions = positions;
        this.handler = handler;
        this.config = new HashMap<>(Map.of(
                "bootstrap.servers", brokers,
                "group.id", group,
                "enable.auto.commit", false,
                "auto.offset.reset", "earliest",
                "session.timeout.ms", 10_000,
                "heartbeat.interval.ms", 3_000,
                "max.poll.records", 500));
        this.config.putAll(extraConfig);
    }

    /** Consumes until {@link #stop()}; a consumer that fails for any other reason starts again after a pause. */
    @Override
    public void run() {
        while (running) {
            try {
                consume();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                log.error("Consumer of {} failed; starting it again", topic, e);
                pause();
            }
        }
    }

    private void consume() throws Exception {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
             AutoCloseable measured = measure(c)) {
            c.subscribe(List.of(topic));
            int failures = 0;
            // stop() only asks: the loop ends after the current poll and its commit (at most POLL later)
            while (running) {
                ConsumerRecords<String, byte[]> polled = c.poll(POLL);
                if (polled.isEmpty()) {
                    continue;
                }
                List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(polled.count());
                polled.forEach(records::add);
                if (!store(records, failures)) {
                    failures++;
                    count("fme.queue.failed.polls");
                    if (failures == 1 || failures % 30 == 0) {
                        log.warn("Could not store {} records of {} ({} tries so far; {}); trying again", records.size(), topic,
                                failures, lastFailure);
                    }
                    polled.partitions().forEach(p -> c.seek(p, polled.records(p).get(0).offset()));
                    Thread.sleep(BACKOFF_MILLIS);
                    continue;
                }
                failures = 0;
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                polled.partitions().forEach(p -> {
                    List<ConsumerRecord<String, byte[]>> part = polled.records(p);
                    next.put(p, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
                });
                try {
                    c.commitSync(next);
                } catch (org.apache.kafka.common.KafkaException e) {
                    // the partitions moved to another consumer, which leaves out what was stored here
                    log.info("Offsets of {} not committed ({}); the partitions' next owner takes over", topic, e.toString());
                }
            }
        }
    }

    /**
     * True when the poll is stored, or all of it but records whose data the database refuses
     * ({@link DataRefusedException}): those can never be stored and are passed over. Any other
     * failure (a database that is down or busy, a timeout) holds the poll back, to be read again.
     */
    private boolean store(List<ConsumerRecord<String, byte[]>> records, int failuresSoFar) {
        if (failuresSoFar < TRIES && handle(records)) {
            return true;
        }
        if (failuresSoFar < TRIES) {
            return false;
        }
        // the poll failed again and again: record by record, to tell a record the database refuses from one it can't take now
        List<ConsumerRecord<String, byte[]>> refused = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            if (!handle(List.of(r))) {
                if (!lastFailureRefusedTheData) {
                    return false; // stored ones are left out when the poll is read again
                }
                refused.add(r);
            }
        }
        for (ConsumerRecord<String, byte[]> r : refused) {
            String value = r.value() == null ? "null" : new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
            count("fme.queue.passed.over");
            log.error("Passed over a record of {} whose data the database refused ({}): partition={} offset={} key={} value={}",
                    topic, lastFailure, r.partition(), r.offset(), r.key(), value.length() > 40_000 ? value.substring(0, 40_000) : value);
        }
        return true;
    }

    /** Hands the records not yet stored to the handler; true when it stored them (or there were none). */
    private boolean handle(List<ConsumerRecord<String, byte[]>> records) {
        try {
            Set<Integer> partitions = new TreeSet<>();
            records.forEach(r -> partitions.add(r.partition()));
            Map<Integer, Long> stored = positions.read(group, topic, partitions);
            List<ConsumerRecord<String, byte[]>> fresh = new ArrayList<>(records.size());
            Map<Integer, Long> to = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                if (r.offset() >= stored.getOrDefault(r.partition(), 0L)) {
                    fresh.add(r);
                    to.merge(r.partition(), r.offset() + 1, Math::max);
                }
            }
            if (fresh.isEmpty()) {
                return true;
            }
            Map<Integer, Long> from = new HashMap<>(stored);
            from.keySet().retainAll(to.keySet());
            handler.accept(new Poll(fresh, new ConsumerPositions.Advance(group, topic, from, to)));
            return true;
        } catch (RuntimeException e) {
            lastFailure = e.getCause() != null ? e.getCause().toString() : e.toString();
            lastFailureRefusedTheData = DataRefusedException.refusesTheData(e);
            return false;
        }
    }

    /** Kafka's own consumer metrics (records-lag-max and the like), tagged with the client id. */
    @SuppressWarnings("deprecation") // the binder's replacement needs a newer Micrometer than Spring Boot 3.5 brings
    private AutoCloseable measure(KafkaConsumer<String, byte[]> c) {
        if (metrics == null) {
            return () -> { };
        }
        io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics bound =
                new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(c);
        bound.bindTo(metrics);
        return bound::close;
    }

    private void count(String name) {
        if (metrics != null) {
            metrics.counter(name, "topic", topic, "group", group).increment();
        }
    }

    private void pause() {
        try {
            Thread.sleep(BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    public void stop() {
        running = false;
    }
}
