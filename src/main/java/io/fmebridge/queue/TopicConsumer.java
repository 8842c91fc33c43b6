package io.fmebridge.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of a group: polls, hands each poll to {@code handler} (a route), and commits the
 * poll's offsets to Kafka only once the handler has returned, that is once what the poll held is
 * committed to the database. When the handler fails, the consumer goes back to the poll's first
 * offsets and tries again after a pause: nothing is skipped. A record handled but not yet
 * committed when an instance dies is read again by the partition's next owner; its messageId makes
 * the second storing a duplicate.
 */
public final class TopicConsumer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(TopicConsumer.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long BACKOFF_MILLIS = 1_000;

    private final String topic;
    private final Map<String, Object> config;
    private final Consumer<List<ConsumerRecord<String, byte[]>>> handler;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;

    public TopicConsumer(String brokers, String groupId, String topic, Map<String, Object> extraConfig,
                         Consumer<List<ConsumerRecord<String, byte[]>>> handler) {
        this.topic = topic;
        this.handler = handler;
        this.config = new HashMap<>(Map.of(
                "bootstrap.servers", brokers,
                "group.id", groupId,
                "enable.auto.commit", false,
                "auto.offset.reset", "earliest",
                "session.timeout.ms", 10_000,
                "heartbeat.interval.ms", 3_000,
                "max.poll.records", 500));
        this.config.putAll(extraConfig);
    }

    @Override
    public void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            c.subscribe(List.of(topic));
            int failures = 0;
            while (running) {
                ConsumerRecords<String, byte[]> polled = c.poll(POLL);
                if (polled.isEmpty()) {
                    continue;
                }
                List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(polled.count());
                polled.forEach(records::add);
                try {
                    handler.accept(records);
                } catch (RuntimeException e) {
                    failures++;
                    if (failures == 1 || failures % 30 == 0) {
                        log.warn("Could not store {} records of {} ({} tries so far); trying again: {}", records.size(), topic,
                                failures, e.toString());
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
                    // the partitions moved to another consumer, which reads them again from the last
                    // committed offset: what was stored here is then found as duplicates
                    log.info("Offsets of {} not committed ({}); the partitions' next owner takes over", topic, e.toString());
                }
            }
        } catch (WakeupException e) {
            // stop() was called
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("Consumer of {} stopped", topic, e);
        }
    }

    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }
}
