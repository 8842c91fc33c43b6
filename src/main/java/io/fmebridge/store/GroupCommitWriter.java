package io.fmebridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmebridge.api.RequestRejectedException;
import io.fmebridge.destination.Drop;
import io.fmebridge.destination.FmeEvent;
import io.fmebridge.destination.IdentityUpdate;
import io.fmebridge.destination.MappingResult;
import io.fmebridge.source.ImpressionWrites;
import io.fmebridge.store.SqlDialect.Upsert;

/**
 * Writes what requests map to, and answers each request only after its data is committed.
 *
 * <p>One commit costs milliseconds, so one per request would cap the service at a few hundred
 * requests a second. Instead every request waiting at a moment is written in one transaction
 * (group commit) by a single writer thread, and each waiting request is released when that
 * transaction has committed. The queue is bounded: when it is full the request is refused with
 * 503 and {@code Retry-After}, having kept nothing.
 *
 * <p>On H2 a commit is only in memory until the store is next written; {@code flushStatement}
 * ({@code CHECKPOINT}, or {@code CHECKPOINT SYNC} to also fsync) writes it before anyone is
 * answered. One flush per group costs far less than H2's write-on-every-commit mode.
 *
 * <p>On PostgreSQL several instances may write at once: every upsert is one atomic statement, rows
 * are written in key order (so two writers can't deadlock), and the database decides which
 * instance stores a messageId ({@link #claimInDatabase}).
 */
public class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int MAX_REQUESTS_PER_COMMIT = 1024;

    private static final Upsert IDENTITY = new Upsert("fme_identity", List.of("updated_at"),
            List.of("environment_id", "traffic_type", "identity_key"), false);
    private static final Upsert ATTRIBUTE = new Upsert("fme_attribute", List.of("value_json", "updated_at"),
            List.of("environment_id", "traffic_type", "identity_key", "name"), false);
    private static final Upsert SEEN = new Upsert("seen_message", List.of("seen_at", "journal_entry"), List.of("destination_id", "message_id"), false);
    private static final Upsert COUNTER = new Upsert("destination_counter", List.of("total"), List.of("destination_id", "name"), true);

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final SeenMessages seenMessages;
    private final GroupCommitQueue<Pending> queue;
    private final int retryAfterSeconds;
    private final String flushStatement;
    private final java.util.function.Consumer<WriteSet> onCommitted;
    private final java.util.function.Consumer<GroupTiming> onTimed;
    private final String instanceId;

    private record Pending(WriteSet writeSet, SeenMessages.Claims claims, CompletableFuture<Void> done)
            implements GroupCommitQueue.Waiting {
    }

    /**
     * One group commit: how many requests it answered, how long its transaction took to write and
     * commit, and how long the flush to disk took after it. The writer is the one thread every
     * request waits for, so its busy time tells whether the store is what limits the service.
     */
    public record GroupTiming(int requests, long writeNanos, long flushNanos) {
    }

    public GroupCommitWriter(DataSource dataSource, SqlDialect dialect, SeenMessages seenMessages, int queueCapacity,
                             int retryAfterSeconds, String flushStatement, java.util.function.Consumer<WriteSet> onCommitted,
                             java.util.function.Consumer<GroupTiming> onTimed) {
        this(dataSource, dialect, seenMessages, queueCapacity, retryAfterSeconds, flushStatement, onCommitted, onTimed, "", "group-commit-writer");
    }

    /**
     * @param instanceId the instance whose consumers read back the journal entries it appends
     * @param threadName the writer thread's name: the store's writer, or the journal's
     */
    public GroupCommitWriter(DataSource dataSource, SqlDialect dialect, SeenMessages seenMessages, int queueCapacity,
                             int retryAfterSeconds, String flushStatement, java.util.function.Consumer<WriteSet> onCommitted,
                             java.util.function.Consumer<GroupTiming> onTimed, String instanceId, String threadName) {
        this.dataSource = dataSource;
        this.instanceId = instanceId;
        this.onTimed = onTimed;
        this.dialect = dialect;
        this.flushStatement = flushStatement;
        this.onCommitted = onCommitted;
        this.seenMessages = seenMessages;
        this.retryAfterSeconds = retryAfterSeconds;
        this.queue = new GroupCommitQueue<>(queueCapacity, MAX_REQUESTS_PER_COMMIT, threadName, this::write);
    }

    /**
     * Writes the request's results and returns once they are committed.
     *
     * @param body   the splitter's {@link WriteSet}; anything else (an empty request) writes nothing
     * @param claims the messageIds the request claimed; released once written (or not)
     */
    public void commit(Object body, SeenMessages.Claims claims) {
        if (!(body instanceof WriteSet writeSet) || writeSet.isEmpty()) {
            if (claims != null) {
                claims.release();
            }
            return;
        }
        Pending pending = new Pending(writeSet, claims, new CompletableFuture<>());
        if (claims != null) {
            claims.handToWriter();
        }
        if (!queue.offer(pending)) {
            if (claims != null) {
                claims.release(); // never queued: nothing of it will be written
            }
            throw RequestRejectedException.saturated("the service is saturated; nothing of this request was kept", retryAfterSeconds);
        }
        // after a timeout it may still be written; its claims stay until then, so a retry meanwhile gets a 503 too
        GroupCommitQueue.await(pending, retryAfterSeconds, "storage is too slow right now", cause -> {
            log.warn("Could not store a request: {}", cause.toString());
            return DataRefusedException.refusesTheData(cause)
                    ? new DataRefusedException("storage refused the data of this request", retryAfterSeconds)
                    : RequestRejectedException.saturated("storage is unavailable right now", retryAfterSeconds);
        });
    }

    private void write(List<Pending> group) {
        try {
            long began = System.nanoTime();
            List<Pending> committed = commitGroup(group);
            long written = System.nanoTime();
            flush();
            onTimed.accept(new GroupTiming(committed.size(), written - began, System.nanoTime() - written));
            // logged and counted before anyone is answered: a client that got its 200 finds its drops
            committed.forEach(p -> onCommitted.accept(p.writeSet()));
            // claims go before the answers: the next poll of a consumer, sent as soon as it is answered,
            // must find its messageIds stored, not still claimed by its own previous poll
            releaseClaims(group);
            committed.forEach(p -> p.done().complete(null));
        } catch (SQLException flushFailure) {
            // Committed but perhaps not on disk: don't answer 200, and don't write it again either.
            log.warn("Could not write the store to disk: {}", flushFailure.toString());
            group.forEach(p -> p.done().completeExceptionally(flushFailure));
        } finally {
            releaseClaims(group);
        }
    }

    private static void releaseClaims(List<Pending> group) {
        group.forEach(p -> {
            if (p.claims() != null) {
                p.claims().release();
            }
        });
    }

    /** Commits the group in one transaction; if that fails, each request on its own. Returns those committed. */
    private List<Pending> commitGroup(List<Pending> group) {
        try {
            writeInOneTransaction(group);
            return group;
        } catch (SQLException groupFailure) {
            // Don't let one bad request fail the others.
            log.warn("Group of {} requests failed ({}); writing them one by one", group.size(), groupFailure.toString());
            List<Pending> committed = new ArrayList<>();
            for (Pending p : group) {
                try {
                    writeInOneTransaction(List.of(p));
                    committed.add(p);
                } catch (SQLException e) {
                    p.done().completeExceptionally(e);
                }
            }
            return committed;
        }
    }

    /**
     * Writes to disk what other transactions committed, as each group does before its answers: for
     * writes made outside the writer that something is about to rely on (a Kafka offset committed
     * after them). Nothing to do on PostgreSQL, whose commit is durable.
     */
    public void flushToDisk() {
        try {
            flush();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the store to disk: " + e, e);
        }
    }

    private void flush() throws SQLException {
        if (flushStatement == null) {
            return;
        }
        try (Connection c = dataSource.getConnection(); var statement = c.createStatement()) {
            statement.execute(flushStatement);
        }
    }

    private void writeInOneTransaction(List<Pending> group) throws SQLException {
        List<ImpressionWrites> impressions = new ArrayList<>();
        group.forEach(p -> impressions.addAll(p.writeSet().impressions()));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (Pending p : group) { // first: a poll read twice fails here, before anything is written
                    for (ConsumerPositions.Advance advance : p.writeSet().positions()) {
                        ConsumerPositions.advance(c, advance);
                    }
                }
                List<io.fmebridge.queue.LogEntry> journal = new ArrayList<>();
                List<io.fmebridge.source.GatheredBatch> batches = new ArrayList<>();
                group.forEach(p -> {
                    journal.addAll(p.writeSet().journal());
                    batches.addAll(p.writeSet().outbox());
                });
                JournalTable.insert(c, journal, instanceId);
                OutboxRepository.insert(c, batches);
                Map<MappingResult, MappingResult> lost = claimInDatabase(c, group);
                Changes changes = new Changes();
                group.forEach(p -> p.writeSet().results().forEach(r -> changes.add(lost.getOrDefault(r, r), p.writeSet().journalEntry())));
                if (!dialect.shared()) { // PostgreSQL keeps a transaction whole; there a tag above a position is another instance's
                    deleteLeftEvents(c, group);
                }
                insertEvents(c, changes.events, changes.eventEntries);
                upsert(c, IDENTITY, changes.identities.values());
                upsert(c, ATTRIBUTE, changes.attributes.values());
                insertDrops(c, changes.drops);
                ImpressionStore.insert(c, impressions, dialect);
                if (!dialect.shared()) { // on PostgreSQL claimInDatabase wrote them
                    insertFirst(c, SEEN, changes.seen.values());
                }
                upsert(c, COUNTER, changes.counters.values());
                c.commit();
                // only once committed: the logs and counters that follow see the losers as duplicates
                group.forEach(p -> p.writeSet().replace(lost));
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * PostgreSQL: the database decides which instance stores a messageId, in the transaction that
     * stores it. Each id is inserted into seen_message first; an id already there within the dedupe
     * window is left alone (count 0). A second instance inserting the same id waits for the first's
     * transaction and then finds it. Within this transaction the first result with an id wins.
     * Returns the results that lost, each mapped to the duplicate it becomes. On H2 (one process)
     * the in-memory claims of {@link SeenMessages} already decided, and this returns nothing.
     */
    private Map<MappingResult, MappingResult> claimInDatabase(Connection c, List<Pending> group) throws SQLException {
        Map<MappingResult, MappingResult> lost = new IdentityHashMap<>();
        if (!dialect.shared()) {
            return lost;
        }
        Map<String, MappingResult> first = new TreeMap<>(); // key order: no deadlock between instances
        Map<MappingResult, Long> entryOf = new IdentityHashMap<>();
        for (Pending p : group) {
            for (MappingResult r : p.writeSet().results()) {
                if (claimsMessageId(r) && first.putIfAbsent(r.destinationId() + '\u0000' + StoredText.of(r.messageId()), r) != null) {
                    lost.put(r, r.asDuplicate());
                }
                entryOf.put(r, p.writeSet().journalEntry());
            }
        }
        if (first.isEmpty()) {
            return lost;
        }
        long now = System.currentTimeMillis();
        try (PreparedStatement ps = c.prepareStatement(SEEN.insertOnConflict() + " WHERE seen_message.seen_at < ?")) {
            for (MappingResult r : first.values()) {
                bind(ps, new Object[] {now, entryOf.get(r), r.destinationId(), r.messageId(), now - seenMessages.windowMillis()});
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            int i = 0;
            for (MappingResult r : first.values()) {
                int count = counts[i++];
                if (count == 0) {
                    lost.put(r, r.asDuplicate());
                } else if (count != 1) { // e.g. the driver's reWriteBatchedInserts, which reports no counts
                    throw new SQLException("seen_message insert reported " + count + " rows; leave reWriteBatchedInserts off");
                }
            }
        }
        return lost;
    }

    /** Results that take their messageId in: not already a duplicate, and with an id that fits the table. */
    private static boolean claimsMessageId(MappingResult r) {
        return !r.duplicate() && r.messageId() != null && r.messageId().length() <= 200;
    }

    /**
     * Events of a replayed poll that the store already holds although their entries are not marked
     * mapped: a kill cut short the transaction that wrote them, and H2 kept part of it. They are
     * removed, so that the poll stores each once. Only replayed polls look: one look-up per event,
     * on the events of its key. Embedded store only: on a shared store another instance's entries
     * interleave with this one's, so a higher tag is no sign of a cut-short transaction.
     */
    private static void deleteLeftEvents(Connection c, List<Pending> group) throws SQLException {
        List<Object[]> keys = new ArrayList<>();
        for (Pending p : group) {
            WriteSet w = p.writeSet();
            if (w.replaying() && w.journalEntry() != null) {
                for (MappingResult r : w.results()) {
                    for (FmeEvent e : r.events()) {
                        if (e.messageId() != null) {
                            keys.add(new Object[] {e.environmentId(), e.key(), e.destinationId(), e.messageId(), w.unmappedFrom()});
                        }
                    }
                }
            }
        }
        if (keys.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM fme_event WHERE environment_id = ? AND identity_key = ? "
                + "AND destination_id = ? AND message_id = ? AND journal_entry >= ?")) {
            for (Object[] k : keys) {
                ps.setString(1, StoredText.of((String) k[0]));
                ps.setString(2, StoredText.of((String) k[1]));
                ps.setString(3, StoredText.of((String) k[2]));
                ps.setString(4, StoredText.of((String) k[3]));
                ps.setLong(5, (Long) k[4]);
                ps.addBatch();
            }
            int removed = java.util.Arrays.stream(ps.executeBatch()).sum();
            if (removed > 0) {
                log.warn("Removed {} events left by a mapping that a kill cut short; they are stored again from the journal", removed);
            }
        }
    }

    private static void insertEvents(Connection c, List<FmeEvent> events, List<Long> entries) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO fme_event (environment_id, destination_id, traffic_type, "
                + "identity_key, event_type_id, event_value, event_time, properties, message_id, received_at, journal_entry) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < events.size(); i++) {
                FmeEvent e = events.get(i);
                ps.setString(1, StoredText.of(e.environmentId()));
                ps.setString(2, StoredText.of(e.destinationId()));
                ps.setString(3, StoredText.of(e.trafficType()));
                ps.setString(4, StoredText.of(e.key()));
                ps.setString(5, StoredText.of(e.eventTypeId()));
                if (e.value() == null) {
                    ps.setNull(6, Types.DOUBLE);
                } else {
                    ps.setDouble(6, e.value());
                }
                ps.setLong(7, e.timestamp());
                ps.setString(8, StoredText.of(e.propertiesJson()));
                ps.setString(9, StoredText.of(e.messageId()));
                ps.setLong(10, e.receivedAt());
                if (entries.get(i) == null) {
                    ps.setNull(11, Types.BIGINT);
                } else {
                    ps.setLong(11, entries.get(i));
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertDrops(Connection c, List<Drop> drops) throws SQLException {
        if (drops.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO dropped_message (destination_id, message_id, reason, detail, received_at) VALUES (?, ?, ?, ?, ?)")) {
            for (Drop d : drops) {
                ps.setString(1, StoredText.of(d.destinationId()));
                ps.setString(2, StoredText.of(d.messageId()));
                ps.setString(3, d.reason().code());
                ps.setString(4, StoredText.of(d.detail(), 1000));
                ps.setLong(5, d.receivedAt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Writes each row, inserting it or changing the stored one. On PostgreSQL one atomic statement
     * per row, since other instances may insert the same key at once. On H2 an UPDATE, then an
     * INSERT of the rows that were missing: safe because this thread is H2's only writer.
     */
    private void upsert(Connection c, Upsert upsert, java.util.Collection<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        if (dialect.shared()) {
            execute(c, upsert.insertOnConflict(), rows);
            return;
        }
        List<Object[]> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(upsert.update())) {
            for (Object[] row : rows) {
                bind(ps, row);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            int i = 0;
            for (Object[] row : rows) {
                if (counts[i++] == 0) {
                    missing.add(row);
                }
            }
        }
        if (!missing.isEmpty()) {
            execute(c, upsert.insert(), missing);
        }
    }

    /**
     * H2, for rows that are nearly always new (a messageId seen for the first time): an INSERT of
     * each, then an UPDATE of those already there (seen before the dedupe window), instead of an
     * UPDATE that misses and then an INSERT. H2 undoes only the failed row of a batch; a row that
     * failed and is not there either failed for another reason, and that error is thrown.
     */
    private static void insertFirst(Connection c, Upsert upsert, java.util.Collection<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<Object[]> all = new ArrayList<>(rows);
        List<Object[]> present = new ArrayList<>();
        java.sql.BatchUpdateException failed = null;
        try (PreparedStatement ps = c.prepareStatement(upsert.insert())) {
            for (Object[] row : all) {
                bind(ps, row);
                ps.addBatch();
            }
            try {
                ps.executeBatch();
                return;
            } catch (java.sql.BatchUpdateException e) {
                failed = e;
                int[] counts = e.getUpdateCounts();
                if (counts == null || counts.length != all.size()) {
                    throw e;
                }
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] == java.sql.Statement.EXECUTE_FAILED) {
                        present.add(all.get(i));
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(upsert.update())) {
            for (Object[] row : present) {
                bind(ps, row);
                ps.addBatch();
            }
            for (int count : ps.executeBatch()) {
                if (count != 1) {
                    throw failed;
                }
            }
        }
    }

    private static void execute(Connection c, String sql, java.util.Collection<Object[]> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                bind(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void bind(PreparedStatement ps, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            ps.setObject(i + 1, StoredText.value(row[i]));
        }
    }

    /**
     * One transaction's changes, with repeated identities, attributes and ids folded (last wins),
     * each kind in key order so that two writers lock shared rows in the same order.
     */
    private static final class Changes {
        final List<FmeEvent> events = new ArrayList<>();
        final List<Long> eventEntries = new ArrayList<>(); // the journal entry of each event, null from Kafka
        final List<Drop> drops = new ArrayList<>();
        final Map<String, Object[]> identities = new TreeMap<>();
        final Map<String, Object[]> attributes = new TreeMap<>();
        final Map<String, Object[]> seen = new TreeMap<>();
        final Map<String, Object[]> counters = new TreeMap<>();

        void add(MappingResult r, Long journalEntry) {
            events.addAll(r.events());
            r.events().forEach(e -> eventEntries.add(journalEntry));
            drops.addAll(r.drops());
            for (IdentityUpdate u : r.identities()) {
                // keys as stored (NUL replaced), so two texts that become one row fold into one
                String id = StoredText.of(u.environmentId()) + '\u0000' + StoredText.of(u.trafficType()) + '\u0000'
                        + StoredText.of(u.key());
                identities.put(id, new Object[] {u.updatedAt(), u.environmentId(), u.trafficType(), u.key()});
                u.attributes().forEach((name, value) -> attributes.put(id + '\u0000' + StoredText.of(name),
                        new Object[] {value.toString(), u.updatedAt(), u.environmentId(), u.trafficType(), u.key(), name}));
            }
            String dest = r.destinationId();
            count(dest, "received", 1);
            if (r.stored()) {
                count(dest, "stored", 1);
            }
            if (r.duplicate()) {
                count(dest, "duplicates", 1);
            } else if (claimsMessageId(r)) {
                seen.put(dest + '\u0000' + StoredText.of(r.messageId()),
                        new Object[] {System.currentTimeMillis(), journalEntry, dest, r.messageId()});
            }
            r.drops().forEach(d -> count(dest, "dropped." + d.reason().code(), 1));
        }

        private void count(String destinationId, String name, long delta) {
            counters.merge(destinationId + '\u0000' + name, new Object[] {delta, destinationId, name},
                    (a, b) -> new Object[] {(Long) a[0] + (Long) b[0], destinationId, name});
        }
    }

    @Override
    public void close() throws InterruptedException {
        queue.close();
    }
}
