package io.fmebridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.fmebridge.api.RequestRejectedException;
import io.fmebridge.queue.LogEntry;

/**
 * Issue 12: with the embedded store the journal is append-only files beside it. Entries come back
 * in order and within a poll's limits, keep their ids across a restart, a torn write at the end
 * is cut off, ids go on above every stored position, whole mapped segments are deleted after the
 * retention (never one with an entry not yet mapped), and entries an earlier version kept in H2
 * move over with their ids.
 */
class FileJournalTest {
    private static final String GROUP = "journal:embedded";

    @TempDir
    Path dir;

    private final List<FileJournal> opened = new ArrayList<>();
    private final List<GroupCommitWriter.GroupTiming> timings = new ArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        for (FileJournal j : opened) {
            j.close();
        }
    }

    private FileJournal open(long segmentBytes, Map<String, Long> positions, long idsAbove) {
        FileJournal j = new FileJournal(dir.resolve("fme-journal"), GROUP, true, segmentBytes, 100, 1, timings::add, positions);
        j.start(idsAbove);
        opened.add(j);
        return j;
    }

    private FileJournal open() {
        return open(64 << 20, Map.of(), 0);
    }

    private void reopen() throws InterruptedException {
        for (FileJournal j : opened) {
            j.close();
        }
        opened.clear();
    }

    private static LogEntry entry(String log, String target, long receivedAt, String body) {
        return new LogEntry(0, log, target, "webhook", receivedAt, body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> bodies(List<LogEntry> entries) {
        return entries.stream().map(e -> new String(e.body(), StandardCharsets.UTF_8)).toList();
    }

    private List<Path> segments(String log) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("fme-journal").resolve(log))) {
            return s.sorted().toList();
        }
    }

    @Test
    void entriesComeBackInOrderPerLogWithinThePollsLimits() {
        FileJournal j = open();
        j.append(entry(LogEntry.SEGMENT, "d1", 1, "one"));
        j.append(entry(LogEntry.IMPRESSIONS, "env", 1, "impressions"));
        j.append(entry(LogEntry.SEGMENT, "d1", 2, "two"));
        j.append(entry(LogEntry.SEGMENT, "d2", 3, "three"));

        List<LogEntry> all = j.read(LogEntry.SEGMENT, 0, 100, 1 << 20);
        assertThat(bodies(all)).containsExactly("one", "two", "three");
        assertThat(all).extracting(LogEntry::id).isSorted().doesNotHaveDuplicates();
        assertThat(all.get(1).target()).isEqualTo("d1");
        assertThat(all.get(1).kind()).isEqualTo("webhook");
        assertThat(all.get(1).receivedAt()).isEqualTo(2);
        assertThat(bodies(j.read(LogEntry.IMPRESSIONS, 0, 100, 1 << 20))).containsExactly("impressions");

        assertThat(bodies(j.read(LogEntry.SEGMENT, 0, 2, 1 << 20))).as("at most two").containsExactly("one", "two");
        assertThat(bodies(j.read(LogEntry.SEGMENT, 0, 100, 1))).as("the first one always, then no more bytes").containsExactly("one");
        assertThat(bodies(j.read(LogEntry.SEGMENT, all.get(1).id(), 100, 1 << 20))).containsExactly("two", "three");
        assertThat(j.read(LogEntry.SEGMENT, all.get(2).id() + 1, 100, 1 << 20)).isEmpty();
        assertThat(timings).as("each group's write and flush are timed").isNotEmpty();
    }

    @Test
    void manySendersAtOnceGetEveryEntryAppendedOnce() throws Exception {
        FileJournal j = open(4096, Map.of(), 0);
        ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int sender = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    String body = sender + ":" + i;
                    j.append(entry(LogEntry.SEGMENT, "d1", 1, body));
                    sent.add(body);
                }
            });
            thread.start();
            senders.add(thread);
        }
        for (Thread t : senders) {
            t.join();
        }
        List<LogEntry> read = new ArrayList<>();
        long from = 0;
        for (List<LogEntry> poll; !(poll = j.read(LogEntry.SEGMENT, from, 64, 1 << 20)).isEmpty(); ) {
            read.addAll(poll);
            from = poll.get(poll.size() - 1).id() + 1;
        }
        assertThat(bodies(read)).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(read).extracting(LogEntry::id).isSorted().doesNotHaveDuplicates();
        assertThat(segments(LogEntry.SEGMENT)).as("rolled over into several files").hasSizeGreaterThan(1);
    }

    @Test
    void aRestartKeepsTheEntriesAndGoesOnAboveThemAndAboveStoredPositions() throws Exception {
        FileJournal j = open();
        j.append(entry(LogEntry.SEGMENT, "d1", 1, "one"));
        j.append(entry(LogEntry.SEGMENT, "d1", 1, "two"));
        long last = j.read(LogEntry.SEGMENT, 0, 10, 1 << 20).get(1).id();
        reopen();

        j = open();
        assertThat(bodies(j.read(LogEntry.SEGMENT, 0, 10, 1 << 20))).containsExactly("one", "two");
        j.append(entry(LogEntry.SEGMENT, "d1", 1, "three"));
        assertThat(j.read(LogEntry.SEGMENT, last + 1, 10, 1 << 20)).extracting(LogEntry::id).containsExactly(last + 1);
        reopen();

        j = open(64 << 20, Map.of(LogEntry.SEGMENT, 500L), 500);
        j.append(entry(LogEntry.SEGMENT, "d1", 1, "after the position"));
        assertThat(j.read(LogEntry.SEGMENT, 500, 10, 1 << 20)).as("read by a consumer whose position is 500")
                .extracting(LogEntry::id).containsExactly(501L);
    }

    /** Two entries appended and the journal closed; returns its one segment file. */
    private Path twoEntriesWritten() throws Exception {
        FileJournal j = open();
        j.append(entry(LogEntry.SEGMENT, "d1", 1, "one"));
        j.append(entry(LogEntry.SEGMENT, "d1", 1, "two"));
        reopen();
        return segments(LogEntry.SEGMENT).get(0);
    }

    @Test
    void aTornWriteAtTheEndIsCutOffAndTheJournalGoesOn() throws Exception {
        Path segment = twoEntriesWritten();
        long whole = Files.size(segment);
        Files.write(segment, new byte[] {0, 0, 0, 90, 1, 2, 3}, StandardOpenOption.APPEND); // a record's start, no more

        FileJournal j = open();
        assertThat(Files.size(segment)).isEqualTo(whole);
        assertThat(bodies(j.read(LogEntry.SEGMENT, 0, 10, 1 << 20))).containsExactly("one", "two");
        j.append(entry(LogEntry.SEGMENT, "d1", 1, "three"));
        assertThat(bodies(j.read(LogEntry.SEGMENT, 0, 10, 1 << 20))).containsExactly("one", "two", "three");
    }

    @Test
    void aLastRecordWhoseChecksumDoesNotMatchIsCutOff() throws Exception {
        Path segment = twoEntriesWritten();
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 1] ^= 0x55; // the last body byte, half written
        Files.write(segment, bytes);

        assertThat(bodies(open().read(LogEntry.SEGMENT, 0, 10, 1 << 20))).containsExactly("one");
    }

    @Test
    void anAppendThatCannotBeWrittenIs503WithRetryAfterAndKeepsNothing() throws Exception {
        FileJournal j = open(1, Map.of(), 0); // every append needs a new file
        j.append(entry(LogEntry.SEGMENT, "d1", 1, "one"));
        long first = j.read(LogEntry.SEGMENT, 0, 10, 1 << 20).get(0).id();
        // the next file's name is taken (as a full disk would refuse it): the write fails
        Path blocked = dir.resolve("fme-journal").resolve(LogEntry.SEGMENT).resolve(String.format("%020d.log", first + 1));
        Files.createDirectory(blocked);

        assertThatThrownBy(() -> j.append(entry(LogEntry.SEGMENT, "d1", 1, "refused")))
                .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.retryAfterSeconds()).isEqualTo(1);
                });
        assertThat(bodies(j.read(LogEntry.SEGMENT, 0, 10, 1 << 20))).as("nothing of it kept").containsExactly("one");

        Files.delete(blocked);
        j.append(entry(LogEntry.SEGMENT, "d1", 1, "two"));
        assertThat(bodies(j.read(LogEntry.SEGMENT, 0, 10, 1 << 20))).as("the journal goes on").containsExactly("one", "two");
    }

    @Test
    void twoReadersOfOneLogEachGetTheirEntriesInOrderWhateverTheOtherRead() {  // delivery and the readout of impressions
        FileJournal j = open(4096, Map.of(), 0); // a few entries per file: the readers cross segments
        for (int n = 0; n < 40; n++) {
            j.append(entry(LogEntry.IMPRESSIONS, "env", n, "entry-" + n + "-" + "x".repeat(300)));
        }
        long ahead = 0, behind = 0;
        List<String> aheadRead = new java.util.ArrayList<>(), behindRead = new java.util.ArrayList<>();
        while (true) {
            List<LogEntry> a = j.read(LogEntry.IMPRESSIONS, ahead, 3, 1 << 20);
            assertThat(j.hasFrom(LogEntry.IMPRESSIONS, behind)).isTrue();
            List<LogEntry> b = j.read(LogEntry.IMPRESSIONS, behind, 1, 1 << 20);
            if (a.isEmpty() && b.isEmpty()) {
                break;
            }
            a.forEach(e -> aheadRead.add(new String(e.body(), StandardCharsets.UTF_8).split("-x")[0]));
            b.forEach(e -> behindRead.add(new String(e.body(), StandardCharsets.UTF_8).split("-x")[0]));
            ahead = a.isEmpty() ? ahead : a.get(a.size() - 1).id() + 1;
            behind = b.isEmpty() ? behind : b.get(b.size() - 1).id() + 1;
            if (behindRead.size() == 40) {
                break;
            }
        }
        List<String> all = java.util.stream.IntStream.range(0, 40).mapToObj(n -> "entry-" + n).toList();
        assertThat(aheadRead).containsExactlyElementsOf(all);
        assertThat(behindRead).containsExactlyElementsOf(all);
        assertThat(j.hasFrom(LogEntry.IMPRESSIONS, behind)).as("nothing after the last entry").isFalse();
    }

    @Test
    void aReadFromAPositionStillCountsThatEntryAndThoseAfterItAsBehind() throws Exception {
        FileJournal j = open();
        j.append(entry(LogEntry.SEGMENT, "d1", 10, "a"));
        j.append(entry(LogEntry.SEGMENT, "d1", 20, "b"));
        j.append(entry(LogEntry.SEGMENT, "d1", 30, "c"));
        long second = j.read(LogEntry.SEGMENT, 0, 10, 1 << 20).get(1).id();

        j.read(LogEntry.SEGMENT, second, 10, 1 << 20); // the consumer's next poll: "a" is mapped, "b" not yet
        assertThat(j.behind(LogEntry.SEGMENT, second)).containsEntry("d1", new Journal.Behind(2, 20));
    }

    @Test
    void anAppendBeforeTheJournalStartsIs503NotAnError() throws Exception {
        FileJournal j = new FileJournal(dir.resolve("fme-journal"), GROUP, true, 64 << 20, 100, 1, timings::add, Map.of());
        opened.add(j);
        assertThatThrownBy(() -> j.append(entry(LogEntry.SEGMENT, "d1", 1, "early")))
                .isInstanceOfSatisfying(RequestRejectedException.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void behindCountsWhatIsNotYetMappedPerTargetWithTheOldestReceiveTime() throws Exception {
        FileJournal j = open();
        j.append(entry(LogEntry.SEGMENT, "d1", 10, "a"));
        j.append(entry(LogEntry.SEGMENT, "d2", 20, "b"));
        j.append(entry(LogEntry.SEGMENT, "d1", 30, "c"));
        List<LogEntry> all = j.read(LogEntry.SEGMENT, 0, 10, 1 << 20);

        assertThat(j.behind(LogEntry.SEGMENT, 0)).containsEntry("d1", new Journal.Behind(2, 10)).containsEntry("d2", new Journal.Behind(1, 20));
        assertThat(j.behind(LogEntry.SEGMENT, all.get(1).id())).containsOnlyKeys("d1", "d2").containsEntry("d1", new Journal.Behind(1, 30));
        assertThat(j.behind(LogEntry.SEGMENT, all.get(2).id() + 1)).isEmpty();
        assertThat(j.behind(LogEntry.IMPRESSIONS, 0)).isEmpty();

        j.append(entry(LogEntry.SEGMENT, "d1", 40, "d"));
        reopen();
        j = open(64 << 20, Map.of(LogEntry.SEGMENT, all.get(2).id() + 1), 0);
        assertThat(j.behind(LogEntry.SEGMENT, all.get(2).id() + 1)).as("after a restart, from the stored position")
                .containsOnlyKeys("d1").containsEntry("d1", new Journal.Behind(1, 40));
    }

    @Test
    void thePurgeDeletesWholeMappedSegmentsOlderThanTheRetentionOnly() throws Exception {
        FileJournal j = open(1, Map.of(), 0); // every entry in a file of its own
        for (int i = 1; i <= 4; i++) {
            j.append(entry(LogEntry.SEGMENT, "d1", i * 100, "entry " + i));
        }
        List<LogEntry> all = j.read(LogEntry.SEGMENT, 0, 10, 1 << 20);
        assertThat(segments(LogEntry.SEGMENT)).hasSize(4);

        long mappedUpToThird = all.get(2).id() + 1;
        assertThat(j.purge(LogEntry.SEGMENT, mappedUpToThird, 250, 10_000)).as("the first two: mapped and old enough").isEqualTo(2);
        assertThat(bodies(j.read(LogEntry.SEGMENT, 0, 10, 1 << 20))).containsExactly("entry 3", "entry 4");
        assertThat(j.purge(LogEntry.SEGMENT, mappedUpToThird, Long.MAX_VALUE, 10_000)).as("the fourth is not mapped").isEqualTo(1);
        assertThat(j.purge(LogEntry.SEGMENT, all.get(3).id() + 1, Long.MAX_VALUE, 10_000)).as("even the current file").isEqualTo(1);
        assertThat(segments(LogEntry.SEGMENT)).isEmpty();

        j.append(entry(LogEntry.SEGMENT, "d1", 500, "after the purge"));
        assertThat(j.read(LogEntry.SEGMENT, all.get(3).id() + 1, 10, 1 << 20)).extracting(LogEntry::id)
                .as("ids go on").containsExactly(all.get(3).id() + 1);
    }

    @Test
    void entriesOfTheEarlierH2JournalFileMoveOverWithTheirIdsOnce() throws Exception {
        String storeUrl = "jdbc:h2:file:" + dir.resolve("fme").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
        var store = new DriverManagerDataSource(storeUrl, "sa", "");
        Flyway.configure().dataSource(store).locations("classpath:db/migration").load().migrate();
        List<Long> ids;
        try (JournalDatabase old = JournalDatabase.forStore(store, storeUrl, "sa", "", "CHECKPOINT SYNC", GROUP)) {
            List<LogEntry> entries = List.of(entry(LogEntry.SEGMENT, "d1", 1, "first"), entry(LogEntry.IMPRESSIONS, "env", 1, "imp"),
                    entry(LogEntry.SEGMENT, "d1", 1, "second"));
            new JdbcTemplate(old.dataSource()).execute((Connection c) -> {
                JournalTable.insert(c, entries, "embedded");
                return null;
            });
            ids = new JdbcTemplate(old.dataSource()).queryForList("SELECT entry_id FROM journal_entry WHERE log_name = 'segment' "
                    + "ORDER BY entry_id", Long.class);
        }
        assertThat(Files.exists(dir.resolve("fme-journal.mv.db"))).isTrue();

        FileJournal j = new FileJournal(FileJournal.besideStore(storeUrl), GROUP, true, 64 << 20, 10, 1, t -> { }, Map.of());
        opened.add(j);
        assertThat(JournalMigration.moveInto(j, store, storeUrl, "sa", "", "CHECKPOINT SYNC", GROUP)).isEqualTo(3);
        assertThat(JournalMigration.moveInto(j, store, storeUrl, "sa", "", "CHECKPOINT SYNC", GROUP)).as("nothing left").isZero();
        j.start(0);
        assertThat(Files.exists(dir.resolve("fme-journal.mv.db"))).as("the old file is gone").isFalse();
        List<LogEntry> moved = j.read(LogEntry.SEGMENT, 0, 10, 1 << 20);
        assertThat(bodies(moved)).containsExactly("first", "second");
        assertThat(moved).extracting(LogEntry::id).containsExactlyElementsOf(ids);
        assertThat(bodies(j.read(LogEntry.IMPRESSIONS, 0, 10, 1 << 20))).containsExactly("imp");
        j.append(entry(LogEntry.SEGMENT, "d1", 1, "third"));
        assertThat(j.read(LogEntry.SEGMENT, ids.get(1) + 1, 10, 1 << 20)).extracting(LogEntry::id).containsExactly(ids.get(1) + 1);
    }

    @Test
    void onlyAnEmbeddedFileStoreHasJournalFiles() {
        assertThat(FileJournal.besideStore("jdbc:h2:file:/data/fme;WRITE_DELAY=0")).isEqualTo(Path.of("/data/fme-journal"));
        assertThat(FileJournal.besideStore("jdbc:h2:file:./data/fme")).isEqualTo(Path.of("./data/fme-journal"));
        assertThat(FileJournal.besideStore("jdbc:h2:mem:fme")).isNull();
        assertThat(FileJournal.besideStore("jdbc:postgresql://db/fme")).isNull();
    }
}
