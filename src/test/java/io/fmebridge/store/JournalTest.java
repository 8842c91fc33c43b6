package io.fmebridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.fmebridge.queue.JournalConsumer;
import io.fmebridge.queue.JournalPoll;
import io.fmebridge.queue.LogEntry;

/**
 * Issue 12: the journal gives its entries in order and within a poll's limits; a consumer moves
 * its position only with what it mapped, waits out a passing fault without skipping an entry, and
 * passes over (as a drop) only an entry whose data the database refuses; mapped entries are
 * purged after the retention, never those not yet mapped.
 */
class JournalTest {
    private JdbcTemplate jdbc;
    private Journal journal;
    private ConsumerPositions positions;
    private Thread running;
    private JournalConsumer consumer;

    @BeforeEach
    void database() {
        var dataSource = io.fmebridge.store.TestStores.migratedInMemory("journal");
        jdbc = new JdbcTemplate(dataSource);
        journal = new JournalTable(jdbc, "embedded");
        positions = new ConsumerPositions(jdbc);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (consumer != null) {
            consumer.stop();
            running.join(5_000);
        }
    }

    private void append(String target, long receivedAt, String... bodies) {
        List<LogEntry> entries = new ArrayList<>();
        for (String body : bodies) {
            entries.add(new LogEntry(0, LogEntry.SEGMENT, target, "webhook", receivedAt, body.getBytes(StandardCharsets.UTF_8)));
        }
        jdbc.execute((Connection c) -> {
            JournalTable.insert(c, entries, "embedded");
            return null;
        });
        journal.appended();
    }

    private static String text(LogEntry e) {
        return new String(e.body(), StandardCharsets.UTF_8);
    }

    /** Stores what the handler is given and the position, in one transaction, like the routes do. */
    private void storeWithPosition(JournalPoll poll, List<String> mapped) {
        jdbc.execute((Connection c) -> {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                ConsumerPositions.advance(c, poll.advance());
                c.commit();
                poll.entries().forEach(e -> mapped.add(text(e)));
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
            return null;
        });
    }

    private void start(Consumer<JournalPoll> handler, List<String> refused, int pollEntries) {
        consumer = new JournalConsumer(journal, positions, LogEntry.SEGMENT, pollEntries, 1 << 20, handler,
                (poll, why) -> {
                    List<String> drops = new ArrayList<>();
                    storeWithPosition(poll, drops);
                    refused.addAll(drops);
                }, entries -> { });
        running = new Thread(consumer, "journal-test");
        running.start();
    }

    private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void entriesAreReadInOrderWithinThePollsLimits() {
        append("web", 1, "a", "b", "c", "d");
        List<LogEntry> all = journal.read(LogEntry.SEGMENT, 0, 10, 1 << 20);
        assertThat(all).extracting(JournalTest::text).containsExactly("a", "b", "c", "d");
        assertThat(journal.read(LogEntry.SEGMENT, all.get(1).id(), 10, 1 << 20)).extracting(JournalTest::text).containsExactly("b", "c", "d");
        assertThat(journal.read(LogEntry.SEGMENT, 0, 2, 1 << 20)).hasSize(2);
        assertThat(journal.read(LogEntry.SEGMENT, 0, 10, 1)).as("one entry always, however large").hasSize(1);
        assertThat(journal.read(LogEntry.IMPRESSIONS, 0, 10, 1 << 20)).as("another log").isEmpty();
        assertThat(new JournalTable(jdbc, "another-instance").read(LogEntry.SEGMENT, 0, 10, 1 << 20)).as("another instance's journal").isEmpty();
    }

    @Test
    void whatIsBehindIsCountedPerTargetWithItsOldestTime() {
        append("web", 100, "a", "b");
        append("ios", 50, "c");
        long second = journal.read(LogEntry.SEGMENT, 0, 10, 1 << 20).get(1).id();
        assertThat(journal.behind(LogEntry.SEGMENT, 0)).containsEntry("web", new Journal.Behind(2, 100))
                .containsEntry("ios", new Journal.Behind(1, 50));
        assertThat(journal.behind(LogEntry.SEGMENT, second + 1)).containsOnlyKeys("ios");
    }

    @Test
    void aConsumerMapsEveryEntryOnceAndMarksItsPosition() throws InterruptedException {
        List<String> mapped = Collections.synchronizedList(new ArrayList<>());
        append("web", 1, "a", "b", "c");
        start(poll -> storeWithPosition(poll, mapped), new ArrayList<>(), 2);
        append("web", 2, "d");
        await(() -> mapped.size() == 4);
        assertThat(mapped).containsExactly("a", "b", "c", "d");
        long last = journal.read(LogEntry.SEGMENT, 0, 10, 1 << 20).get(3).id();
        await(() -> Long.valueOf(last + 1).equals(positions.read(journal.group(), LogEntry.SEGMENT, Set.of(0)).get(0)));
        assertThat(journal.behind(LogEntry.SEGMENT, consumer.next())).isEmpty();
    }

    @Test
    void aPassingFaultIsWaitedOutWithoutSkippingAnEntry() throws InterruptedException {
        List<String> mapped = Collections.synchronizedList(new ArrayList<>());
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failuresLeft = new AtomicInteger(5); // more than the tries before entry by entry
        append("web", 1, "a", "b");
        start(poll -> {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("database busy", new SQLException("timeout", "HYT00"));
            }
            storeWithPosition(poll, mapped);
        }, refused, 10);
        await(() -> mapped.size() == 2);
        assertThat(mapped).containsExactly("a", "b");
        assertThat(refused).as("nothing passed over for a passing fault").isEmpty();
    }

    @Test
    void onlyAnEntryWhoseDataTheDatabaseRefusesIsPassedOverAsADrop() throws InterruptedException {
        List<String> mapped = Collections.synchronizedList(new ArrayList<>());
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        append("web", 1, "a", "bad", "c");
        start(poll -> {
            if (poll.entries().stream().anyMatch(e -> text(e).equals("bad"))) {
                throw new IllegalStateException("refused", new SQLException("value too long", "22001"));
            }
            storeWithPosition(poll, mapped);
        }, refused, 10);
        await(() -> mapped.size() == 2 && refused.size() == 1);
        assertThat(mapped).containsExactly("a", "c");
        assertThat(refused).containsExactly("bad");
    }

    @Test
    void onlyMappedEntriesPastTheRetentionArePurged() {
        append("web", 1_000, "old-1", "old-2");
        append("web", 5_000, "recent");
        append("web", 1_000, "old-not-mapped");
        List<LogEntry> all = journal.read(LogEntry.SEGMENT, 0, 10, 1 << 20);
        long next = all.get(3).id(); // the first three are mapped

        assertThat(journal.purge(LogEntry.SEGMENT, next, 2_000, 1)).isEqualTo(2);
        assertThat(journal.read(LogEntry.SEGMENT, 0, 10, 1 << 20)).extracting(JournalTest::text)
                .containsExactly("recent", "old-not-mapped");
        assertThat(journal.purge(LogEntry.SEGMENT, next, 10_000, 100)).isEqualTo(1);
        assertThat(journal.read(LogEntry.SEGMENT, 0, 10, 1 << 20)).extracting(JournalTest::text).containsExactly("old-not-mapped");
    }
}
