package io.fmebridge.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fmebridge.source.DeadLetter;
import io.fmebridge.source.GatheredBatch;
import io.fmebridge.source.OutboundMessage;

/**
 * Batches ready for Segment and their fate: pending, sending, retrying, delivered or dead
 * (contract 5.2, 5.3). A batch is claimed for sending with a lease, so a batch whose sender died
 * is sent again once the lease runs out.
 */
public class OutboxRepository {
    private static final long LEASE_MILLIS = 60_000;
    private static final SqlDialect.Upsert SOURCE_COUNTER = new SqlDialect.Upsert("source_counter", List.of("total"),
            List.of("source_id", "name"), true);
    private static final SqlDialect.Upsert SOURCE_STATUS = new SqlDialect.Upsert("source_status",
            List.of("last_error", "last_error_at"), List.of("source_id"), false);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper json;

    private final java.util.function.Supplier<java.util.Set<String>> pauses;
    private final SqlDialect dialect;
    private final String instanceId;

    /**
     * @param instanceId the name of this instance ({@code fme.instance-id}), recorded with each
     *                   batch it claims
     */
    public OutboxRepository(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper json,
                            java.util.function.Supplier<java.util.Set<String>> pausedSources, SqlDialect dialect, String instanceId) {
        this.pauses = pausedSources;
        this.dialect = dialect;
        this.instanceId = instanceId;
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
    }

    /** A batch claimed for one attempt. {@code messages} is the JSON array text of its messages. */
    public record ClaimedBatch(long id, String sourceId, String messages, int count, int attempts, Long firstAttemptAt,
                               long createdAt) {
    }

    public record SourceStats(long pending, long delivered, long retrying, long deadLettered, long batchesSent, String lastError) {
    }

    public record DeadLetterView(String messageId, String reason, String failedAt) {
    }

    /**
     * At start, no batch of this instance can be in flight: those it left "sending" when it
     * stopped are due again at once instead of when their lease runs out. Batches another live
     * instance is sending are left alone; those of an instance that died are due when their lease
     * runs out. (Batches claimed before claimed_by existed have none, and are resumed too.)
     */
    public int resumeInterrupted() {
        return jdbc.update("UPDATE outbound_batch SET next_attempt_at = ? WHERE status = 'sending' "
                + "AND (claimed_by = ? OR claimed_by IS NULL)", System.currentTimeMillis(), instanceId);
    }

    /** Hands a completed batch to the outbox. */
    public void enqueue(GatheredBatch batch) {
        if (batch.size() == 0) {
            return;
        }
        long now = System.currentTimeMillis();
        jdbc.update("INSERT INTO outbound_batch (source_id, messages, message_count, status, attempts, created_at, next_attempt_at) "
                + "VALUES (?, ?, ?, 'pending', 0, ?, ?)", batch.sourceId(), StoredText.of("[" + String.join(",", batch.messages()) + "]"),
                batch.size(), now, now);
    }

    /** Complete batches into the outbox, on the group commit's connection and in its transaction. */
    static void insert(java.sql.Connection c, List<GatheredBatch> batches) throws java.sql.SQLException {
        if (batches.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO outbound_batch (source_id, messages, message_count, "
                + "status, attempts, created_at, next_attempt_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)")) {
            for (GatheredBatch batch : batches) {
                if (batch.size() == 0) {
                    continue;
                }
                ps.setString(1, batch.sourceId());
                ps.setString(2, StoredText.of("[" + String.join(",", batch.messages()) + "]"));
                ps.setInt(3, batch.size());
                ps.setLong(4, now);
                ps.setLong(5, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * With fme.queue=kafka: the batches built from one poll of the impressions topic, and how far
     * that poll is stored, in one transaction. A poll read again (after an instance died) finds its
     * partitions moved on and is left out, so its batches are not made twice.
     */
    public void enqueueAll(List<GatheredBatch> batches, ConsumerPositions.Advance advance) {
        tx.executeWithoutResult(status -> {
            jdbc.execute((java.sql.Connection c) -> {
                ConsumerPositions.advance(c, advance);
                return null;
            });
            batches.forEach(this::enqueue);
        });
    }

    /**
     * Batches due for an attempt, each claimed by this caller alone; none of a paused source. On
     * PostgreSQL the due rows are locked with SKIP LOCKED, so instances polling at once take
     * different batches instead of racing for the same ones.
     */
    public List<ClaimedBatch> claimDue(int limit) {
        long now = System.currentTimeMillis();
        java.util.Set<String> paused = pauses.get();
        StringBuilder sql = new StringBuilder("SELECT id FROM outbound_batch WHERE status IN ('pending', 'retrying', 'sending') "
                + "AND next_attempt_at <= ?");
        List<Object> args = new ArrayList<>(List.of(now));
        if (!paused.isEmpty()) {
            sql.append(" AND source_id NOT IN (").append(String.join(", ", java.util.Collections.nCopies(paused.size(), "?"))).append(')');
            args.addAll(paused);
        }
        sql.append(" ORDER BY next_attempt_at, id LIMIT ?").append(dialect.skipLocked());
        args.add(limit);
        return tx.execute(s -> {
            List<Long> due = jdbc.queryForList(sql.toString(), Long.class, args.toArray());
            List<ClaimedBatch> claimed = new ArrayList<>();
            for (Long id : due) {
                // re-checked under the row's lock: on H2 another poller may have taken it meanwhile
                int won = jdbc.update("UPDATE outbound_batch SET status = 'sending', next_attempt_at = ?, claimed_by = ? WHERE id = ? "
                        + "AND status IN ('pending', 'retrying', 'sending') AND next_attempt_at <= ?", now + LEASE_MILLIS,
                        instanceId, id, now);
                if (won == 1) {
                    claimed.addAll(jdbc.query("SELECT id, source_id, messages, message_count, attempts, first_attempt_at, "
                            + "created_at FROM outbound_batch WHERE id = ?", (rs, i) -> new ClaimedBatch(rs.getLong(1),
                            rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5), (Long) rs.getObject(6, Long.class),
                            rs.getLong(7)), id));
                }
            }
            return claimed;
        });
    }

    /** True when a poll claimed as many batches as it could: more may be due at once. */
    public boolean claimedAll(List<ClaimedBatch> claimed, int limit) {
        return claimed.size() >= limit;
    }

    // The outcome of an attempt counts only while this instance still holds the batch's lease: a
    // batch whose lease ran out may have been claimed and sent by another instance meanwhile.
    private static final String HELD = " AND status = 'sending' AND claimed_by = ?";

    public synchronized void delivered(ClaimedBatch batch) {
        tx.executeWithoutResult(s -> {
            if (jdbc.update("DELETE FROM outbound_batch WHERE id = ?" + HELD, batch.id(), instanceId) == 0) {
                return; // taken over: the other attempt counts it
            }
            count(batch.sourceId(), "delivered", batch.count());
            count(batch.sourceId(), "batchesSent", 1);
        });
    }

    public synchronized void retry(ClaimedBatch batch, long firstAttemptAt, long delayMillis, String error) {
        long now = System.currentTimeMillis();
        tx.executeWithoutResult(s -> {
            if (jdbc.update("UPDATE outbound_batch SET status = 'retrying', attempts = attempts + 1, first_attempt_at = ?, "
                    + "next_attempt_at = ?, last_error = ? WHERE id = ?" + HELD, firstAttemptAt, now + delayMillis, cut(error),
                    batch.id(), instanceId) == 0) {
                return;
            }
            lastError(batch.sourceId(), error, now);
        });
    }

    /** The batch's messages become dead letters with the reason; the batch is gone. */
    public synchronized void deadLetter(ClaimedBatch batch, String reason) {
        long now = System.currentTimeMillis();
        List<DeadLetter> letters = new ArrayList<>();
        try {
            for (JsonNode message : json.readTree(batch.messages())) {
                letters.add(new DeadLetter(batch.sourceId(), message.path("messageId").asText(), message.toString(), reason, now));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("outbound batch " + batch.id() + " holds no JSON array", e);
        }
        tx.executeWithoutResult(s -> {
            if (jdbc.update("DELETE FROM outbound_batch WHERE id = ?" + HELD, batch.id(), instanceId) == 0) {
                return;
            }
            jdbc.batchUpdate("INSERT INTO dead_letter (source_id, message_id, message, reason, failed_at) VALUES (?, ?, ?, ?, ?)",
                    letters.stream().map(d -> new Object[] {d.sourceId(), StoredText.of(d.messageId()), StoredText.of(d.message()),
                            cut(d.reason()), d.failedAt()}).toList());
            count(batch.sourceId(), "batchesSent", 1);
            lastError(batch.sourceId(), reason, now);
        });
    }

    /**
     * Sends a source's dead letters again, as new batches within the source's limits. A message
     * over Segment's 32 KB stays a dead letter: sending it would only fail its whole batch.
     * Returns how many were sent again.
     */
    public synchronized int replay(String sourceId, int maxMessages, int maxBytes) {
        return tx.execute(s -> {
            List<Map<String, Object>> rows = jdbc.queryForList(
                    "SELECT id, message_id, message FROM dead_letter WHERE source_id = ? ORDER BY id", sourceId);
            GatheredBatch batch = null;
            List<GatheredBatch> batches = new ArrayList<>();
            List<Object[]> replayed = new ArrayList<>();
            for (Map<String, Object> row : rows) {
                String message = String.valueOf(value(row, "message"));
                String messageId = String.valueOf(value(row, "message_id"));
                int size = message.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                if (size > io.fmebridge.source.ImpressionIntake.MAX_MESSAGE_BYTES) {
                    continue;
                }
                OutboundMessage m = new OutboundMessage(sourceId, messageId, message, size);
                if (batch == null || !batch.fits(m)) {
                    batch = new GatheredBatch(sourceId, maxMessages, maxBytes, 0);
                    batches.add(batch);
                }
                batch.add(m);
                replayed.add(new Object[] {value(row, "id")});
            }
            batches.forEach(this::enqueue);
            jdbc.batchUpdate("DELETE FROM dead_letter WHERE id = ?", replayed);
            return replayed.size();
        });
    }

    private static Object value(Map<String, Object> row, String column) {
        Object v = row.get(column.toUpperCase(java.util.Locale.ROOT));
        return v != null ? v : row.get(column);
    }

    public SourceStats stats(String sourceId, long gathering) {
        Long pending = jdbc.queryForObject("SELECT COALESCE(SUM(message_count), 0) FROM outbound_batch WHERE source_id = ? "
                + "AND attempts = 0", Long.class, sourceId);
        Long retrying = jdbc.queryForObject("SELECT COALESCE(SUM(message_count), 0) FROM outbound_batch WHERE source_id = ? "
                + "AND attempts > 0", Long.class, sourceId);
        Long dead = jdbc.queryForObject("SELECT COUNT(*) FROM dead_letter WHERE source_id = ?", Long.class, sourceId);
        Map<String, Long> counters = new java.util.HashMap<>();
        jdbc.query("SELECT name, total FROM source_counter WHERE source_id = ?", rs -> {
            counters.put(rs.getString(1), rs.getLong(2));
        }, sourceId);
        List<String> lastError = jdbc.queryForList("SELECT last_error FROM source_status WHERE source_id = ?", String.class, sourceId);
        return new SourceStats(pending + gathering, counters.getOrDefault("delivered", 0L), retrying, dead,
                counters.getOrDefault("batchesSent", 0L), lastError.isEmpty() ? null : lastError.get(0));
    }

    public List<DeadLetterView> deadLetters(String sourceId, int limit) {
        return jdbc.query("SELECT message_id, reason, failed_at FROM dead_letter WHERE source_id = ? ORDER BY id DESC LIMIT ?",
                (rs, i) -> new DeadLetterView(rs.getString(1), rs.getString(2),
                        java.time.Instant.ofEpochMilli(rs.getLong(3)).toString()), sourceId, limit);
    }

    private void count(String sourceId, String name, long delta) {
        upsert(SOURCE_COUNTER, delta, sourceId, name);
    }

    private void lastError(String sourceId, String error, long at) {
        upsert(SOURCE_STATUS, cut(error), at, sourceId);
    }

    /** Atomic on PostgreSQL, where another instance may write the same row at once; H2 has one process. */
    private void upsert(SqlDialect.Upsert upsert, Object... row) {
        if (dialect.shared()) {
            jdbc.update(upsert.insertOnConflict(), row);
        } else if (jdbc.update(upsert.update(), row) == 0) {
            jdbc.update(upsert.insert(), row);
        }
    }

    /** An error or reason as stored: at most 1000 characters, no NUL (an answer of Segment's may hold anything). */
    private static String cut(String s) {
        return StoredText.of(s, 1000);
    }

    static void bindDeadLetter(java.sql.PreparedStatement ps, DeadLetter d) throws java.sql.SQLException {
        ps.setString(1, d.sourceId());
        ps.setString(2, StoredText.of(d.messageId()));
        ps.setString(3, StoredText.of(d.message()));
        ps.setString(4, cut(d.reason()));
        ps.setLong(5, d.failedAt());
    }
}
