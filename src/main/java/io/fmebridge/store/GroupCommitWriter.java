package io.fmebridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmebridge.api.RequestRejectedException;
import io.fmebridge.destination.Drop;
import io.fmebridge.destination.FmeEvent;
import io.fmebridge.destination.IdentityUpdate;
import io.fmebridge.destination.MappingResult;
import io.fmebridge.source.ImpressionWrites;

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
 */
public class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int MAX_REQUESTS_PER_COMMIT = 1024;
    private static final long MAX_WAIT_SECONDS = 60;

    private final DataSource dataSource;
    private final SeenMessages seenMessages;
    private final BlockingQueue<Pending> queue;
    private final int retryAfterSeconds;
    private final String flushStatement;
    private final java.util.function.Consumer<WriteSet> onCommitted;
    private final Thread writer;
    private volatile boolean running = true;

    private record Pending(WriteSet writeSet, SeenMessages.Claims claims, CompletableFuture<Void> done) {
    }

    public GroupCommitWriter(DataSource dataSource, SeenMessages seenMessages, int queueCapacity, int retryAfterSeconds,
                             String flushStatement, java.util.function.Consumer<WriteSet> onCommitted) {
        this.dataSource = dataSource;
        this.flushStatement = flushStatement;
        this.onCommitted = onCommitted;
        this.seenMessages = seenMessages;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.retryAfterSeconds = retryAfterSeconds;
        this.writer = new Thread(this::run, "group-commit-writer");
        this.writer.setDaemon(true);
        this.writer.start();
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
        if (!running || !queue.offer(pending)) {
            if (claims != null) {
                claims.release(); // never queued: nothing of it will be written
            }
            throw RequestRejectedException.saturated("the service is saturated; nothing of this request was kept", retryAfterSeconds);
        }
        try {
            pending.done().get(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RequestRejectedException.saturated("the service is shutting down", retryAfterSeconds);
        } catch (TimeoutException e) {
            // It may still be written; its claims stay until then, so a retry meanwhile gets a 503 too.
            throw RequestRejectedException.saturated("storage is too slow right now", retryAfterSeconds);
        } catch (ExecutionException e) {
            log.warn("Could not store a request: {}", e.getCause().toString());
            throw RequestRejectedException.saturated("storage is unavailable right now", retryAfterSeconds);
        }
    }

    private void run() {
        List<Pending> group = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_REQUESTS_PER_COMMIT - 1);
                write(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                // the writer must outlive any one group, or every later request would wait in vain
                log.error("Group commit writer failed", e);
                group.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                group.clear();
            }
        }
    }

    private void write(List<Pending> group) {
        try {
            List<Pending> committed = commitGroup(group);
            flush();
            // logged and counted before anyone is answered: a client that got its 200 finds its drops
            committed.forEach(p -> onCommitted.accept(p.writeSet()));
            committed.forEach(p -> p.done().complete(null));
        } catch (SQLException flushFailure) {
            // Committed but perhaps not on disk: don't answer 200, and don't write it again either.
            log.warn("Could not write the store to disk: {}", flushFailure.toString());
            group.forEach(p -> p.done().completeExceptionally(flushFailure));
        } finally {
            group.forEach(p -> {
                if (p.claims() != null) {
                    p.claims().release();
                }
            });
        }
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

    private void flush() throws SQLException {
        if (flushStatement == null) {
            return;
        }
        try (Connection c = dataSource.getConnection(); var statement = c.createStatement()) {
            statement.execute(flushStatement);
        }
    }

    private void writeInOneTransaction(List<Pending> group) throws SQLException {
        Changes changes = new Changes();
        group.forEach(p -> p.writeSet().results().forEach(changes::add));
        List<ImpressionWrites> impressions = new ArrayList<>();
        group.forEach(p -> impressions.addAll(p.writeSet().impressions()));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                insertEvents(c, changes.events);
                upsertIdentities(c, changes);
                insertDrops(c, changes.drops);
                ImpressionStore.insert(c, impressions);
                upsert(c, "UPDATE seen_message SET seen_at = ? WHERE destination_id = ? AND message_id = ?",
                        "INSERT INTO seen_message (seen_at, destination_id, message_id) VALUES (?, ?, ?)",
                        changes.seen.values());
                upsert(c, "UPDATE destination_counter SET total = total + ? WHERE destination_id = ? AND name = ?",
                        "INSERT INTO destination_counter (total, destination_id, name) VALUES (?, ?, ?)",
                        changes.counters.values());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static void insertEvents(Connection c, List<FmeEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO fme_event (environment_id, destination_id, traffic_type, "
                + "identity_key, event_type_id, event_value, event_time, properties, message_id, received_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (FmeEvent e : events) {
                ps.setString(1, e.environmentId());
                ps.setString(2, e.destinationId());
                ps.setString(3, e.trafficType());
                ps.setString(4, e.key());
                ps.setString(5, e.eventTypeId());
                if (e.value() == null) {
                    ps.setNull(6, Types.DOUBLE);
                } else {
                    ps.setDouble(6, e.value());
                }
                ps.setLong(7, e.timestamp());
                ps.setString(8, e.propertiesJson());
                ps.setString(9, e.messageId());
                ps.setLong(10, e.receivedAt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void upsertIdentities(Connection c, Changes changes) throws SQLException {
        upsert(c, "UPDATE fme_identity SET updated_at = ? WHERE environment_id = ? AND traffic_type = ? AND identity_key = ?",
                "INSERT INTO fme_identity (updated_at, environment_id, traffic_type, identity_key) VALUES (?, ?, ?, ?)",
                changes.identities.values());
        upsert(c, "UPDATE fme_attribute SET value_json = ?, updated_at = ? WHERE environment_id = ? AND traffic_type = ? "
                        + "AND identity_key = ? AND name = ?",
                "INSERT INTO fme_attribute (value_json, updated_at, environment_id, traffic_type, identity_key, name) "
                        + "VALUES (?, ?, ?, ?, ?, ?)",
                changes.attributes.values());
    }

    private static void insertDrops(Connection c, List<Drop> drops) throws SQLException {
        if (drops.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO dropped_message (destination_id, message_id, reason, detail, received_at) VALUES (?, ?, ?, ?, ?)")) {
            for (Drop d : drops) {
                ps.setString(1, d.destinationId());
                ps.setString(2, d.messageId());
                ps.setString(3, d.reason().code());
                ps.setString(4, d.detail().length() > 1000 ? d.detail().substring(0, 1000) : d.detail());
                ps.setLong(5, d.receivedAt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Updates each row, then inserts those that were not there. Both statements take the same
     * parameters in the same order. Safe because this thread is the only writer of these tables.
     */
    private static void upsert(Connection c, String update, String insert, java.util.Collection<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<Object[]> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(update)) {
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
        if (missing.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            for (Object[] row : missing) {
                bind(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void bind(PreparedStatement ps, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            ps.setObject(i + 1, row[i]);
        }
    }

    /** One transaction's changes, with repeated identities, attributes and ids folded (last wins). */
    private static final class Changes {
        final List<FmeEvent> events = new ArrayList<>();
        final List<Drop> drops = new ArrayList<>();
        final Map<String, Object[]> identities = new LinkedHashMap<>();
        final Map<String, Object[]> attributes = new LinkedHashMap<>();
        final Map<String, Object[]> seen = new LinkedHashMap<>();
        final Map<String, Object[]> counters = new LinkedHashMap<>();

        void add(MappingResult r) {
            events.addAll(r.events());
            drops.addAll(r.drops());
            for (IdentityUpdate u : r.identities()) {
                String id = u.environmentId() + '\u0000' + u.trafficType() + '\u0000' + u.key();
                identities.put(id, new Object[] {u.updatedAt(), u.environmentId(), u.trafficType(), u.key()});
                u.attributes().forEach((name, value) -> attributes.put(id + '\u0000' + name,
                        new Object[] {value.toString(), u.updatedAt(), u.environmentId(), u.trafficType(), u.key(), name}));
            }
            String dest = r.destinationId();
            count(dest, "received", 1);
            if (r.stored()) {
                count(dest, "stored", 1);
            }
            if (r.duplicate()) {
                count(dest, "duplicates", 1);
            } else if (r.messageId() != null && r.messageId().length() <= 200) {
                seen.put(dest + '\u0000' + r.messageId(), new Object[] {System.currentTimeMillis(), dest, r.messageId()});
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
        running = false;
        writer.join(10_000);
    }
}
