package io.fmebridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.fmebridge.destination.Drop;
import io.fmebridge.destination.DropReason;
import io.fmebridge.destination.FmeEvent;
import io.fmebridge.destination.IdentityUpdate;
import io.fmebridge.destination.MappingResult;
import io.fmebridge.source.GatheredBatch;
import io.fmebridge.source.OutboundMessage;

/**
 * Two instances of the service sharing one PostgreSQL database, played by two writers and two
 * outboxes on one database of this class's own. Skipped without a PostgreSQL server.
 */
@EnabledIf(value = "io.fmebridge.store.TestPostgres#answers",
        disabledReason = "no PostgreSQL answers at FME_TEST_PG_URL; start one with .ci/services.sh start postgres")
class SeveralInstancesOnPostgresTest {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static String database;
    private static DataSource postgres;
    private JdbcTemplate jdbc;
    private final List<GroupCommitWriter> writers = new ArrayList<>();

    @BeforeAll
    static void ownDatabase() {
        database = TestPostgres.createDatabase("instances");
        postgres = TestPostgres.migrated(database);
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            TestPostgres.dropDatabase(database);
        }
    }

    @BeforeEach
    void emptyTables() {
        jdbc = new JdbcTemplate(postgres);
        jdbc.execute("TRUNCATE fme_event, fme_identity, fme_attribute, dropped_message, seen_message, destination_counter, "
                + "outbound_batch, source_counter, source_status");
    }

    @AfterEach
    void stopWriters() throws InterruptedException {
        for (GroupCommitWriter writer : writers) {
            writer.close();
        }
    }

    private GroupCommitWriter instance() {
        GroupCommitWriter writer = new GroupCommitWriter(postgres, SqlDialect.POSTGRES,
                new SeenMessages(jdbc, Duration.ofHours(24), 2), 4096, 2, null, written -> { }, timing -> { });
        writers.add(writer);
        return writer;
    }

    private static MappingResult track(String messageId, String key, String eventTypeId) {
        long now = System.currentTimeMillis();
        return new MappingResult("web", messageId, List.of(new FmeEvent("prod", "web", "user", key, eventTypeId, null, now,
                JsonNodeFactory.instance.objectNode(), messageId, now, "{}")), List.of(), List.of());
    }

    private static WriteSet writeSet(MappingResult... results) {
        WriteSet set = new WriteSet();
        for (MappingResult r : results) {
            set.add(r);
        }
        return set;
    }

    private Map<String, Long> counters() {
        Map<String, Long> counters = new java.util.TreeMap<>();
        jdbc.query("SELECT name, total FROM destination_counter WHERE destination_id = 'web'",
                rs -> { counters.put(rs.getString(1), rs.getLong(2)); });
        return counters;
    }

    @Test
    void twoInstancesCommittingTheSameMessageIdsStoreEachOnceAndCountTheRestAsDuplicates() throws Exception {
        GroupCommitWriter a = instance();
        GroupCommitWriter b = instance();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add("m-" + i);
        }
        List<WriteSet> committedByA = Collections.synchronizedList(new ArrayList<>());
        List<WriteSet> committedByB = Collections.synchronizedList(new ArrayList<>());
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<Future<?>> sent = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += 10) {
            List<String> slice = ids.subList(from, from + 10);
            List<String> reversed = new ArrayList<>(slice);
            Collections.reverse(reversed); // the other instance meets the same ids in another order
            sent.add(senders.submit(() -> commit(a, slice, committedByA)));
            sent.add(senders.submit(() -> commit(b, reversed, committedByB)));
        }
        for (Future<?> f : sent) {
            f.get();
        }
        senders.shutdown();

        assertThat(jdbc.queryForList("SELECT message_id FROM fme_event GROUP BY message_id HAVING COUNT(*) > 1", String.class))
                .as("no messageId stored twice").isEmpty();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM fme_event", Long.class)).isEqualTo(300);
        assertThat(counters()).containsEntry("received", 600L).containsEntry("stored", 300L).containsEntry("duplicates", 300L);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM dropped_message WHERE reason = 'duplicate'", Long.class)).isEqualTo(300);
        // what each instance's callers were told (logs, metrics) matches what was stored
        long duplicatesSeen = java.util.stream.Stream.concat(committedByA.stream(), committedByB.stream())
                .flatMap(w -> w.results().stream()).filter(MappingResult::duplicate).count();
        assertThat(duplicatesSeen).isEqualTo(300);
    }

    private static void commit(GroupCommitWriter writer, List<String> ids, List<WriteSet> committed) {
        WriteSet set = writeSet(ids.stream().map(id -> track(id, "user-" + id, "clicked")).toArray(MappingResult[]::new));
        writer.commit(set, null);
        committed.add(set);
    }

    @Test
    void dataTheDatabaseRefusesIsToldApartFromAStoreThatCantWriteNow() {
        GroupCommitWriter writer = instance();
        // an event type longer than its column: the database refuses the data itself (SQLState 22001)
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
                () -> writer.commit(writeSet(track("too-long", "k", "e".repeat(81))), null));

        assertThat(refused).isInstanceOf(DataRefusedException.class);
        assertThat(((io.fmebridge.api.RequestRejectedException) refused).status()).isEqualTo(503);
        assertThat(DataRefusedException.refusesTheData(refused)).isTrue();
        assertThat(DataRefusedException.refusesTheData(new java.sql.SQLException("connection refused", "08001"))).isFalse();
        // and the next write goes through
        writer.commit(writeSet(track("fine", "k", "e1")), null);
        assertThat(jdbc.queryForList("SELECT message_id FROM fme_event", String.class)).containsExactly("fine");
    }

    @Test
    void withinOneCommitTheFirstResultWithAMessageIdWins() {
        WriteSet set = writeSet(track("same", "first", "e1"), track("same", "second", "e2"));
        instance().commit(set, null);

        assertThat(jdbc.queryForList("SELECT identity_key FROM fme_event", String.class)).containsExactly("first");
        assertThat(set.results().get(1).duplicate()).isTrue();
        assertThat(counters()).containsEntry("stored", 1L).containsEntry("duplicates", 1L);
    }

    @Test
    void anInstanceReplayingAfterARestartLeavesTheEventAnotherInstanceStoredForTheSameMessageId() {
        // the entries of both instances interleave in one journal: b's entry 100 is above a's unmapped range
        WriteSet byB = writeSet(track("m", "k", "clicked"));
        byB.fromJournal(100, 100, false);
        instance().commit(byB, null);
        WriteSet replayedByA = writeSet(track("m", "k", "clicked"));
        replayedByA.fromJournal(50, 60, true);
        instance().commit(replayedByA, null);

        assertThat(jdbc.queryForList("SELECT journal_entry FROM fme_event WHERE message_id = 'm'", Long.class))
                .as("stored once, and it is b's event").containsExactly(100L);
        assertThat(replayedByA.results().get(0).duplicate()).isTrue();
    }

    @Test
    void aMessageIdSeenBeforeTheWindowIsStoredAgain() {
        long dayAndAnHourAgo = System.currentTimeMillis() - Duration.ofHours(25).toMillis();
        jdbc.update("INSERT INTO seen_message (destination_id, message_id, seen_at) VALUES ('web', 'old', ?), ('web', 'recent', ?)",
                dayAndAnHourAgo, System.currentTimeMillis());

        instance().commit(writeSet(track("old", "k1", "e"), track("recent", "k2", "e")), null);

        assertThat(jdbc.queryForList("SELECT message_id FROM fme_event", String.class)).containsExactly("old");
        assertThat(jdbc.queryForObject("SELECT seen_at FROM seen_message WHERE message_id = 'old'", Long.class))
                .isGreaterThan(dayAndAnHourAgo);
    }

    @Test
    void identitiesAndAttributesWrittenByBothInstancesAtOnceAreMerged() throws Exception {
        GroupCommitWriter a = instance();
        GroupCommitWriter b = instance();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int n = i;
            sent.add(senders.submit(() -> a.commit(writeSet(identify("a-" + n, "plan", "gold")), null)));
            sent.add(senders.submit(() -> b.commit(writeSet(identify("b-" + n, "seats", "5")), null)));
        }
        for (Future<?> f : sent) {
            f.get();
        }
        senders.shutdown();

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM fme_identity", Long.class)).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT name FROM fme_attribute ORDER BY name", String.class)).containsExactly("plan", "seats");
        assertThat(counters()).containsEntry("received", 80L).containsEntry("stored", 80L);
    }

    private static MappingResult identify(String messageId, String name, String value) {
        return new MappingResult("web", messageId, List.of(), List.of(new IdentityUpdate("prod", "user", "same-user",
                Map.of(name, JsonNodeFactory.instance.textNode(value)), System.currentTimeMillis())), List.of());
    }

    @Test
    void nulInTextIsStoredAsTheReplacementCharacter() { // PostgreSQL refuses NUL in text
        long now = System.currentTimeMillis();
        MappingResult dropped = new MappingResult("web", "nul\u0000id", List.of(), List.of(), List.of(new Drop("web", "nul\u0000id",
                DropReason.INVALID_EVENT_TYPE_ID, "'Nul\u0000Event' is not a valid event type id", now)));
        MappingResult identified = new MappingResult("web", "m-nul-2", List.of(), List.of(new IdentityUpdate("prod", "user",
                "key\u0000one", Map.of("na\u0000me", JsonNodeFactory.instance.textNode("v")), now)), List.of());

        instance().commit(writeSet(dropped, identified), null);

        assertThat(jdbc.queryForObject("SELECT detail FROM dropped_message", String.class))
                .isEqualTo("'Nul\uFFFDEvent' is not a valid event type id");
        assertThat(jdbc.queryForObject("SELECT message_id FROM dropped_message", String.class)).isEqualTo("nul\uFFFDid");
        assertThat(jdbc.queryForObject("SELECT identity_key || '/' || name FROM fme_attribute", String.class))
                .isEqualTo("key\uFFFDone/na\uFFFDme");
        // and the look-up of a retry finds the id as it was stored
        SeenMessages seen = new SeenMessages(jdbc, Duration.ofHours(24), 2);
        assertThat(seen.claimAll(seen.newClaims(), "web", List.of("nul\u0000id"))).containsExactly(true);
    }

    private OutboxRepository outbox(String instanceId) {
        return new OutboxRepository(jdbc, new TransactionTemplate(new DataSourceTransactionManager(postgres)), new ObjectMapper(),
                Set::of, SqlDialect.POSTGRES, instanceId);
    }

    private void enqueue(OutboxRepository outbox, int batches) {
        for (int i = 0; i < batches; i++) {
            GatheredBatch batch = new GatheredBatch("prod-segment", 100, 500_000, 0);
            String id = "m-" + SEQUENCE.incrementAndGet();
            String json = "{\"messageId\":\"" + id + "\"}";
            batch.add(new OutboundMessage("prod-segment", id, json, json.length()));
            outbox.enqueue(batch);
        }
    }

    @Test
    void twoInstancesPollingTheOutboxAtOnceClaimDifferentBatches() throws Exception {
        OutboxRepository a = outbox("instance-a");
        OutboxRepository b = outbox("instance-b");
        enqueue(a, 60);

        ExecutorService pollers = Executors.newFixedThreadPool(4);
        List<Future<List<OutboxRepository.ClaimedBatch>>> polls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            OutboxRepository which = i % 2 == 0 ? a : b;
            polls.add(pollers.submit(() -> which.claimDue(10)));
        }
        List<Long> claimed = new ArrayList<>();
        for (Future<List<OutboxRepository.ClaimedBatch>> poll : polls) {
            poll.get().forEach(c -> claimed.add(c.id()));
        }
        pollers.shutdown();

        assertThat(new HashSet<>(claimed)).as("no batch claimed twice").hasSameSizeAs(claimed);
        assertThat(claimed).hasSize(60);
        assertThat(jdbc.queryForList("SELECT DISTINCT claimed_by FROM outbound_batch ORDER BY 1", String.class))
                .containsExactly("instance-a", "instance-b");
    }

    @Test
    void anInstanceStartingUpResumesItsOwnInterruptedBatchesNotThoseAnotherIsSending() {
        OutboxRepository a = outbox("instance-a");
        OutboxRepository b = outbox("instance-b");
        enqueue(a, 2);
        assertThat(a.claimDue(1)).hasSize(1);
        assertThat(b.claimDue(1)).hasSize(1); // both now "sending", leased for a minute

        OutboxRepository aAgain = outbox("instance-a"); // instance-a restarted after a crash
        assertThat(aAgain.resumeInterrupted()).isEqualTo(1);

        List<OutboxRepository.ClaimedBatch> due = aAgain.claimDue(10);
        assertThat(due).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbound_batch WHERE claimed_by = 'instance-b'", Long.class)).isEqualTo(1);
    }

    @Test
    void sourceCountersOfBothInstancesAddUp() throws Exception {
        OutboxRepository a = outbox("instance-a");
        OutboxRepository b = outbox("instance-b");
        enqueue(a, 20);
        List<OutboxRepository.ClaimedBatch> claimedByA = a.claimDue(10);
        List<OutboxRepository.ClaimedBatch> claimedByB = b.claimDue(10);
        ExecutorService senders = Executors.newFixedThreadPool(2);
        Future<?> first = senders.submit(() -> claimedByA.forEach(a::delivered));
        Future<?> second = senders.submit(() -> claimedByB.forEach(b::delivered));
        first.get();
        second.get();
        senders.shutdown();

        assertThat(a.stats("prod-segment", 0).delivered()).isEqualTo(20);
        assertThat(a.stats("prod-segment", 0).batchesSent()).isEqualTo(20);
    }

    @Test
    void anAttemptThatOutlivedItsLeaseCountsForNothingOnceAnotherInstanceTookTheBatch() {
        OutboxRepository a = outbox("instance-a");
        OutboxRepository b = outbox("instance-b");
        enqueue(a, 1);
        OutboxRepository.ClaimedBatch slow = a.claimDue(1).get(0);
        jdbc.update("UPDATE outbound_batch SET next_attempt_at = 0"); // a's lease ran out while it was still sending
        OutboxRepository.ClaimedBatch taken = b.claimDue(1).get(0);

        a.retry(slow, 0, 1_000, "late answer");
        a.delivered(slow);
        assertThat(jdbc.queryForObject("SELECT status FROM outbound_batch", String.class)).isEqualTo("sending");
        b.delivered(taken);

        assertThat(a.stats("prod-segment", 0).delivered()).isEqualTo(1);
        assertThat(a.stats("prod-segment", 0).batchesSent()).isEqualTo(1);
        assertThat(a.stats("prod-segment", 0).lastError()).isNull();
    }
}
