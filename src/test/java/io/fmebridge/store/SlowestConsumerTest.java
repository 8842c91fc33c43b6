package io.fmebridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import io.fmebridge.queue.JournalConsumer;
import io.fmebridge.queue.JournalConsumers;
import io.fmebridge.queue.JournalLag;
import io.fmebridge.queue.JournalPurge;
import io.fmebridge.queue.LogEntry;

/**
 * docs/decisions.md, "The readout stores impressions behind delivery": an impressions entry counts
 * in the lag, and is kept by the purge, until both delivery and the readout have mapped it.
 */
class SlowestConsumerTest {
    private JdbcTemplate jdbc;
    private Journal journal;
    private JournalConsumers consumers;

    @BeforeEach
    void journalWithTwoConsumersOfTheImpressionsLog() {
        jdbc = new JdbcTemplate(TestStores.migratedInMemory("slowest"));
        journal = new JournalTable(jdbc, "embedded");
        ConsumerPositions positions = new ConsumerPositions(jdbc);
        List<JournalConsumer> both = new ArrayList<>();
        for (String group : List.of("journal:embedded", "journal:embedded-readout")) {
            both.add(new JournalConsumer(journal, positions, LogEntry.IMPRESSIONS, group, group, null, 64, 1 << 20, poll -> {
            }, (poll, why) -> {
            }, entries -> {
            }));
        }
        consumers = new JournalConsumers(null, both);
        List<LogEntry> entries = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            entries.add(new LogEntry(0, LogEntry.IMPRESSIONS, "prod", "bulk", 1, ("e" + n).getBytes(StandardCharsets.UTF_8)));
        }
        jdbc.execute((Connection c) -> {
            JournalTable.insert(c, entries, "embedded");
            return null;
        });
    }

    private long id(int n) {
        return journal.read(LogEntry.IMPRESSIONS, 0, 10, 1 << 20).get(n).id();
    }

    private void position(String group, long next) {
        jdbc.update("DELETE FROM consumer_position WHERE group_id = ?", group);
        jdbc.update("INSERT INTO consumer_position (group_id, topic, partition_no, next_offset) VALUES (?, ?, 0, ?)", group,
                LogEntry.IMPRESSIONS, next);
    }

    @Test
    void anEntryDeliveredButNotYetStoredForTheReadoutIsStillBehindAndKept() {
        long afterAll = id(2) + 1;
        position("journal:embedded", afterAll);              // delivery has sent all three
        position("journal:embedded-readout", id(1));         // the readout has stored the first only

        assertThat(new JournalLag(journal, consumers).now().logs().get(LogEntry.IMPRESSIONS).entries()).isEqualTo(2);
        assertThat(new JournalPurge(journal, consumers, Duration.ZERO, () -> {
        }).purge()).as("only what both have").isEqualTo(1);
        assertThat(journal.read(LogEntry.IMPRESSIONS, 0, 10, 1 << 20)).hasSize(2);

        position("journal:embedded-readout", afterAll);
        assertThat(new JournalLag(journal, consumers).now().entries()).isZero();
        assertThat(new JournalPurge(journal, consumers, Duration.ZERO, () -> {
        }).purge()).isEqualTo(2);
    }
}
