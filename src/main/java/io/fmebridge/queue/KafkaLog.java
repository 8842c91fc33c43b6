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
        int timeout = Math.max(2_000, (int) settings.sendTimeout().toMillis());
        int maxBlock = Math.min(5_000, timeout / 4);
        Map<String, Object> config = new java.util.HashMap<>(settings.clientProperties());
        config.putAll(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.brokers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                // the whole send fits in send-timeout: waiting for metadata, then delivery with its retries
                ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout - maxBlock,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(500, (timeout - maxBlock) / 2 - 2),
                ProducerConfig.CLIENT_ID_CONFIG, "fme-bridge"));
        this.producer = new KafkaProducer<>(config,
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Creates the topics that are missing, with the configured partitions and replication. */
    public void createTopics() {
        Map<String, Object> config = new java.util.HashMap<>(settings.clientProperties());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.brokers());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(config)) {
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
            long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
            for (Future<RecordMetadata> f : sent) {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RequestRejectedException.saturated("the service is shutting down", retryAfterSeconds);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            log.warn("Kafka did not take {} records for {}: {}", records.size(), topic, e.toString());
            // some records may have been taken: the retry's messageIds and positions make them count once
            throw RequestRejectedException.saturated("the queue is unavailable right now; send the request again",
                    retryAfterSeconds);
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
