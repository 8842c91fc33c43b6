package io.fmebridge.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.fmebridge.store.ConsumerPositions;

/**
 * docs/decisions.md, "The readout stores impressions behind delivery": on a store where delivery
 * stored the impressions, the readout starts where delivery is, so nothing is stored twice; on a
 * fresh store it starts at the beginning.
 */
class ReadoutStartTest {
    private JdbcTemplate jdbc;
    private ConsumerPositions positions;

    @BeforeEach
    void database() {
        DriverManagerDataSource dataSource = io.fmebridge.store.TestStores.migratedInMemory("readout");
        jdbc = new JdbcTemplate(dataSource);
        positions = new ConsumerPositions(jdbc);
    }

    private void position(String group, String topic, int partition, long next) {
        jdbc.update("INSERT INTO consumer_position (group_id, topic, partition_no, next_offset) VALUES (?, ?, ?, ?)", group, topic,
                partition, next);
    }

    @Test
    void theJournalsReadoutStartsWhereDeliveryIs() {
        position("journal:embedded", LogEntry.IMPRESSIONS, 0, 42);
        JournalWiring.startReadoutAtDelivery(jdbc, positions, "journal:embedded");
        assertThat(positions.read("journal:embedded-readout", LogEntry.IMPRESSIONS, Set.of(0))).isEqualTo(Map.of(0, 42L));
    }

    @Test
    void aReadoutPositionAlreadyThereIsLeftAsItIs() {
        position("journal:embedded", LogEntry.IMPRESSIONS, 0, 42);
        position("journal:embedded-readout", LogEntry.IMPRESSIONS, 0, 30);
        JournalWiring.startReadoutAtDelivery(jdbc, positions, "journal:embedded");
        assertThat(positions.read("journal:embedded-readout", LogEntry.IMPRESSIONS, Set.of(0))).isEqualTo(Map.of(0, 30L));
    }

    @Test
    void onAFreshStoreTheReadoutStartsAtTheBeginning() {
        JournalWiring.startReadoutAtDelivery(jdbc, positions, "journal:embedded");
        assertThat(positions.read("journal:embedded-readout", LogEntry.IMPRESSIONS, Set.of(0))).isEmpty();
    }

    @Test
    void kafkasReadoutGroupStartsWhereTheBatcherGroupIs() {
        KafkaSettings settings = new KafkaSettings("127.0.0.1:9092", "fme.segment-messages", "fme.impressions", 12, (short) 1, 2,
                "fme-bridge-store", "fme-bridge-batcher", "fme-bridge-readout", Duration.ofSeconds(30), Duration.ofMillis(500), null);
        position("fme-bridge-batcher", "fme.impressions", 0, 7);
        position("fme-bridge-batcher", "fme.impressions", 3, 11);
        position("fme-bridge-store", "fme.segment-messages", 0, 99);
        QueueWiring.startReadoutAtBatcher(jdbc, settings);
        assertThat(positions.read("fme-bridge-readout", "fme.impressions", Set.of(0, 1, 2, 3))).isEqualTo(Map.of(0, 7L, 3, 11L));

        position("fme-bridge-batcher", "fme.impressions", 5, 1); // later: the readout's own positions stand
        QueueWiring.startReadoutAtBatcher(jdbc, settings);
        assertThat(positions.read("fme-bridge-readout", "fme.impressions", Set.of(0, 1, 2, 3, 4, 5))).isEqualTo(Map.of(0, 7L, 3, 11L));
    }
}
