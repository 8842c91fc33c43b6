package io.fmebridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.fmebridge.queue.LogEntry;

/**
 * Issue 12: with the embedded store the journal has a file of its own beside the store's, takes
 * over the entries an earlier version left in the store, and never hands out an id that a
 * consumer's stored position already counts as mapped.
 */
class JournalDatabaseTest {
    private static final String GROUP = "journal:embedded";

    @TempDir
    Path dir;

    private String storeUrl() {
        return "jdbc:h2:file:" + dir.resolve("fme").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    private DriverManagerDataSource migratedStore() {
        var store = new DriverManagerDataSource(storeUrl(), "sa", "");
        Flyway.configure().dataSource(store).locations("classpath:db/migration").load().migrate();
        return store;
    }

    private static void append(javax.sql.DataSource into, String... bodies) {
        List<LogEntry> entries = java.util.Arrays.stream(bodies)
                .map(b -> new LogEntry(0, LogEntry.SEGMENT, "d1", "webhook", 1L, b.getBytes(StandardCharsets.UTF_8))).toList();
        new JdbcTemplate(into).execute((Connection c) -> {
            JournalTable.insert(c, entries, "embedded");
            return null;
        });
    }

    private static List<String> bodies(JournalDatabase db) {
        return new JournalTable(new JdbcTemplate(db.dataSource()), "embedded").read(LogEntry.SEGMENT, 0, 100, 1 << 20).stream()
                .map(e -> new String(e.body(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void anH2FileStoreGetsAJournalFileBesideIt() {
        assertThat(JournalDatabase.ownFileUrl("jdbc:h2:file:./data/fme;WRITE_DELAY=0"))
                .isEqualTo("jdbc:h2:file:./data/fme-journal;WRITE_DELAY=0");
        assertThat(JournalDatabase.ownFileUrl("jdbc:h2:file:/var/fme")).isEqualTo("jdbc:h2:file:/var/fme-journal");
        assertThat(JournalDatabase.ownFileUrl("jdbc:h2:mem:fme")).as("in memory: nothing to flush apart").isNull();
        assertThat(JournalDatabase.ownFileUrl("jdbc:postgresql://db/fme")).as("PostgreSQL: the store's table").isNull();
        assertThat(JournalDatabase.ownFileUrl("jdbc:h2:tcp://host/fme")).as("an H2 server: the store's table").isNull();

        var store = migratedStore();
        try (JournalDatabase db = JournalDatabase.forStore(store, storeUrl(), "sa", "", "CHECKPOINT SYNC", GROUP)) {
            assertThat(db.ownFile()).isTrue();
            append(db.dataSource(), "one");
            assertThat(bodies(db)).containsExactly("one");
            assertThat(new JdbcTemplate(store).queryForObject("SELECT COUNT(*) FROM journal_entry", Integer.class))
                    .as("the store's own table stays empty").isZero();
        }
        assertThat(Files.exists(dir.resolve("fme-journal.mv.db"))).isTrue();
    }

    @Test
    void entriesLeftInTheStoreAreMovedInOrderAndKeepTheirIds() {
        var store = migratedStore();
        append(store, "first", "second", "third");
        List<Long> ids = new JdbcTemplate(store).queryForList("SELECT entry_id FROM journal_entry ORDER BY entry_id", Long.class);

        try (JournalDatabase db = JournalDatabase.forStore(store, storeUrl(), "sa", "", "CHECKPOINT SYNC", GROUP)) {
            assertThat(bodies(db)).containsExactly("first", "second", "third");
            assertThat(new JournalTable(new JdbcTemplate(db.dataSource()), "embedded").read(LogEntry.SEGMENT, 0, 100, 1 << 20))
                    .extracting(LogEntry::id).containsExactlyElementsOf(ids);
            assertThat(new JdbcTemplate(store).queryForObject("SELECT COUNT(*) FROM journal_entry", Integer.class)).isZero();
            append(db.dataSource(), "fourth");
            assertThat(new JournalTable(new JdbcTemplate(db.dataSource()), "embedded").read(LogEntry.SEGMENT, 0, 100, 1 << 20))
                    .last().extracting(LogEntry::id).isEqualTo(ids.get(2) + 1);
        }
    }

    @Test
    void aNewJournalFileGoesOnAboveThePositionsAlreadyStored() throws Exception {
        var store = migratedStore();
        new JdbcTemplate(store).update("INSERT INTO consumer_position (group_id, topic, partition_no, next_offset) VALUES (?, ?, 0, 500)",
                GROUP, LogEntry.SEGMENT);
        try (JournalDatabase db = JournalDatabase.forStore(store, storeUrl(), "sa", "", "CHECKPOINT SYNC", GROUP)) {
            append(db.dataSource(), "after a lost journal file");
            assertThat(new JournalTable(new JdbcTemplate(db.dataSource()), "embedded").read(LogEntry.SEGMENT, 500, 100, 1 << 20))
                    .as("read by a consumer whose position is 500").hasSize(1)
                    .first().extracting(LogEntry::id).isEqualTo(501L);
        }
    }

    @Test
    void aStoreInMemoryKeepsTheJournalInItsOwnTable() {
        var store = new DriverManagerDataSource("jdbc:h2:mem:journal-db-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(store).locations("classpath:db/migration").load().migrate();
        try (JournalDatabase db = JournalDatabase.forStore(store, "jdbc:h2:mem:x", "sa", "", null, GROUP)) {
            assertThat(db.ownFile()).isFalse();
            assertThat(db.dataSource()).isSameAs(store);
            db.flushStore(); // nothing to write
        }
    }
}
