package io.fmebridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

import io.fmebridge.queue.LogEntry;

/**
 * The journal as a table of the store ({@code journal_entry}), where the store is shared
 * (PostgreSQL, an H2 server) or in memory: accepted requests, appended by the journal's group
 * commit before their 200 ({@link #insert}), read in order by this instance's consumers, and
 * deleted once mapped and older than the retention. Each instance reads only what it appended,
 * so that one writer thread decides the order (ids are given in commit order).
 */
public final class JournalTable implements Journal {
    private final JdbcTemplate jdbc;
    private final String instanceId;
    private final AppendSignal signal = new AppendSignal();

    public JournalTable(JdbcTemplate jdbc, String instanceId) {
        this.jdbc = jdbc;
        this.instanceId = instanceId;
    }

    /** The consumer group whose positions say how far this instance's consumers have mapped. */
    @Override
    public String group() {
        return "journal:" + instanceId;
    }

    /** Writes the entries on the group commit's connection, in its transaction. */
    static void insert(Connection c, List<LogEntry> entries, String instanceId) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO journal_entry (log_name, instance_id, target, kind, "
                + "received_at, body) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (LogEntry e : entries) {
                ps.setString(1, e.log());
                ps.setString(2, instanceId);
                ps.setString(3, StoredText.of(e.target(), 200));
                ps.setString(4, e.kind());
                ps.setLong(5, e.receivedAt());
                ps.setBytes(6, e.body());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Told by the group commit once entries are on disk: wakes the consumers. */
    @Override
    public void appended() {
        signal.signal();
    }

    /** Waits until something is appended, or the time runs out. */
    @Override
    public void awaitAppend(long millis) throws InterruptedException {
        signal.await(millis);
    }

    /**
     * Entries of the log from {@code from} on, in order: at most {@code maxEntries}, and no more once
     * their bodies reach {@code maxBytes} (the first one always).
     */
    @Override
    public List<LogEntry> read(String log, long from, int maxEntries, long maxBytes) {
        return jdbc.execute((Connection c) -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT entry_id, target, kind, received_at, body FROM journal_entry "
                    + "WHERE log_name = ? AND instance_id = ? AND entry_id >= ? ORDER BY entry_id")) {
                ps.setMaxRows(maxEntries);
                ps.setFetchSize(Math.min(maxEntries, 64));
                ps.setString(1, log);
                ps.setString(2, instanceId);
                ps.setLong(3, from);
                List<LogEntry> entries = new ArrayList<>();
                long bytes = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next() && (entries.isEmpty() || bytes < maxBytes)) {
                        byte[] body = rs.getBytes(5);
                        bytes += body.length;
                        entries.add(new LogEntry(rs.getLong(1), log, rs.getString(2), rs.getString(3), rs.getLong(4), body));
                    }
                }
                return entries;
            }
        });
    }

    /** What is not yet mapped of the log, from {@code next} (the first entry not mapped) on, per target. */
    @Override
    public Map<String, Behind> behind(String log, long next) {
        Map<String, Behind> behind = new LinkedHashMap<>();
        jdbc.query("SELECT target, COUNT(*), MIN(received_at) FROM journal_entry WHERE log_name = ? AND instance_id = ? "
                + "AND entry_id >= ? GROUP BY target ORDER BY target", rs -> {
                    behind.put(rs.getString(1), new Behind(rs.getLong(2), rs.getLong(3)));
                }, log, instanceId, next);
        return behind;
    }

    /**
     * Deletes mapped entries (below {@code next}) received before {@code before}, a chunk of at most
     * {@code chunk} ids per transaction. Returns how many were deleted.
     */
    @Override
    public int purge(String log, long next, long before, int chunk) {
        int deleted = 0;
        while (true) {
            Long lowest = jdbc.queryForObject("SELECT MIN(entry_id) FROM journal_entry WHERE log_name = ? AND instance_id = ?",
                    Long.class, log, instanceId);
            if (lowest == null || lowest >= next) {
                return deleted;
            }
            int n = jdbc.update("DELETE FROM journal_entry WHERE log_name = ? AND instance_id = ? AND entry_id >= ? "
                    + "AND entry_id < ? AND entry_id < ? AND received_at < ?", log, instanceId, lowest, lowest + chunk, next, before);
            deleted += n;
            if (n == 0) {
                return deleted; // the oldest mapped entry is still within the retention
            }
        }
    }
}
