package io.fmebridge.queue;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The {@code fme.kafka.*} settings, used when {@code fme.queue=kafka} (docs/scaling.md). */
@ConfigurationProperties(prefix = "fme.kafka")
public record KafkaSettings(
        @DefaultValue("127.0.0.1:9092") String brokers,
        @DefaultValue("fme.segment-messages") String segmentTopic,
        @DefaultValue("fme.impressions") String impressionsTopic,
        @DefaultValue("12") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("2") int consumers,
        @DefaultValue("fme-bridge-store") String storeGroup,
        @DefaultValue("fme-bridge-batcher") String batcherGroup,
        @DefaultValue("fme-bridge-readout") String readoutGroup,
        @DefaultValue("30s") Duration sendTimeout,
        @DefaultValue("500ms") Duration gatherTime,
        java.util.Map<String, String> properties) {

    /**
     * {@code fme.kafka.properties.*}: Kafka client settings given to the producer, the consumers
     * and the admin client alike, such as {@code security.protocol} or {@code sasl.jaas.config}.
     */
    public java.util.Map<String, Object> clientProperties() {
        return properties == null ? java.util.Map.of() : java.util.Map.copyOf(properties);
    }
}
