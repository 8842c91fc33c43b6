package io.fmebridge.queue;

import org.apache.camel.CamelContext;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import io.fmebridge.settings.FmeProperties;
import io.fmebridge.settings.SettingsRegistry;
import io.fmebridge.store.ConsumerPositions;

/** {@code fme.queue=kafka}: the receiving routes append to Kafka, and consumers store from it. */
@Configuration
@ConditionalOnProperty(name = "fme.queue", havingValue = "kafka")
@EnableConfigurationProperties(KafkaSettings.class)
public class QueueWiring {

    @Bean(destroyMethod = "close")
    KafkaLog kafkaLog(KafkaSettings settings, FmeProperties properties) {
        KafkaLog log = new KafkaLog(settings, properties.ingest().retryAfterSeconds());
        log.createTopics();
        return log;
    }

    @Bean
    SegmentQueue segmentLog(KafkaLog kafka, SettingsRegistry settings, KafkaSettings kafkaSettings,
                            io.fmebridge.destination.SegmentRequestGate gate) {
        // read back as received: numbers keep their precision
        return new SegmentQueue(kafka, new SegmentRecords(io.fmebridge.Wiring.segmentJson()), settings, gate,
                kafkaSettings.segmentTopic());
    }

    /** A request's impressions as one record, keyed by its environment: one consumer at a time builds its sources' batches. */
    @Bean
    ImpressionLog impressionLog(KafkaLog kafka, KafkaSettings kafkaSettings, io.fmebridge.source.ImpressionGate gate,
                                io.fmebridge.source.ImpressionIntake intake, SettingsRegistry settings) {
        return new ImpressionLog(entry -> kafka.append(kafkaSettings.impressionsTopic(),
                java.util.List.of(new QueuedRecord(entry.target(), entry.toRecord()))), gate, intake, settings);
    }

    @Bean
    QueueConsumers queueConsumers(KafkaSettings settings, JdbcTemplate jdbc, io.micrometer.core.instrument.MeterRegistry metrics,
                                  org.springframework.beans.factory.ObjectProvider<CamelContext> camel,
                                  @Value("${fme.flows.destination:true}") boolean destinationSide,
                                  @Value("${fme.flows.source:true}") boolean sourceSide) {
        startReadoutAtBatcher(jdbc, settings);
        return new QueueConsumers(settings, new ConsumerPositions(jdbc), metrics, camel, destinationSide, sourceSide);
    }

    /**
     * The readout group's positions, the first time it has none: where the batcher group is. Before
     * the readout had a group of its own, the batcher stored the impressions it mapped.
     */
    static void startReadoutAtBatcher(JdbcTemplate jdbc, KafkaSettings settings) {
        Integer rows = jdbc.queryForObject("SELECT COUNT(*) FROM consumer_position WHERE group_id = ? AND topic = ?", Integer.class,
                settings.readoutGroup(), settings.impressionsTopic());
        if (rows != null && rows == 0) {
            try {
                jdbc.update("INSERT INTO consumer_position (group_id, topic, partition_no, next_offset) SELECT ?, topic, partition_no, "
                        + "next_offset FROM consumer_position WHERE group_id = ? AND topic = ?", settings.readoutGroup(),
                        settings.batcherGroup(), settings.impressionsTopic());
            } catch (org.springframework.dao.DuplicateKeyException e) {
                // another instance did it at the same moment
            }
        }
    }
}
