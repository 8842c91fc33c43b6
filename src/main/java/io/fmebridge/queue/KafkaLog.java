package io.fmebridge.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmebridge.api.RequestRejectedException;

/**
 * Appends records to the service's topics and returns once every one is acknowledged by all
 * in-sync replicas ({@code acks=all}): only then may a request be answered 200. A record Kafka
 * did not take fails the whole request with 503 and {@code Retry-After}; the retry's records carry
 * the same messageIds, so what was taken the first time is caught as a duplicate when stored.
 */
public final class KafkaLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaLog.class);

    private final KafkaSettings settings;
    private final KafkaProducer<String, byte[]> producer;
    private final int retryAfterSeconds;

    public KafkaLog(KafkaSettings settings, int retryAfterSeconds) {
        this.settings = settings;
        this.retryAfterSeconds = retryAfterSeconds;
        int timeout = (int) settings.sendTimeout().toMillis();
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.brokers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 15_000),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(timeout, 17_000),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                ProducerConfig.CLIENT_ID_CONFIG, "fme-bridge"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Creates the topics that are missing, with the configured partitions and replication. */
    public void createTopics() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.brokers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : List.of(settings.segmentTopic(), settings.impressionsTopic())) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, settings.partitions(), settings.replicationFactor()));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                    log.info("Created Kafka topics {} with {} partitions", missing.stream().map(NewTopic::name).toList(),
                            settings.partitions());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e; // another instance may have created them at the same moment
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the Kafka topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka at " + settings.brokers() + " did not answer: " + e, e);
        }
    }

    /** Appends the records and waits until Kafka has acknowledged every one. */
    public void append(String topic, List<QueuedRecord> records) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        try {
            for (QueuedRecord r : records) {
                sent.add(producer.send(new ProducerRecord<>(topic, r.key(), r.value())));
            }
            long deadline = System.nanoTime() + settings.sendTimeout().toNanos() + TimeUnit.SECONDS.toNanos(5);
            for (Future<RecordMetadata> f : sent) {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RequestRejectedException.saturated("the service is shutting down", retryAfterSeconds);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            log.warn("Kafka did not take {} records for {}: {}", records.size(), topic, e.toString());
            throw RequestRejectedException.saturated("the queue is unavailable right now; nothing of this request was "
                    + "acknowledged", retryAfterSeconds);
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
