package io.fmebridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How far each partition of a consumer group is stored ({@code consumer_position}). A consumer
 * reads it before handling a poll and leaves out the records below it; what a poll stores moves it
 * on in the same transaction, and only from where it was read: when another consumer moved it
 * meanwhile (two owners during a rebalance), the transaction fails and the poll is read again.
 */
public final class ConsumerPositions {
    private final JdbcTemplate jdbc;

    public ConsumerPositions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Moves partitions from {@code from} (null: no row yet) to {@code to}, the offset after the
     * last record stored, in the transaction of what they stored.
     */
    public record Advance(String group, String topic, Map<Integer, Long> from, Map<Integer, Long> to) {
    }

    /** The next offset not yet stored, for those of the partitions that have one. */
    public Map<Integer, Long> read(String group, String topic, Set<Integer> partitions) {
        Map<Integer, Long> positions = new HashMap<>();
        if (partitions.isEmpty()) {
            return positions;
        }
        jdbc.query("SELECT partition_no, next_offset FROM consumer_position WHERE group_id = ? AND topic = ?",
                rs -> {
                    if (partitions.contains(rs.getInt(1))) {
                        positions.put(rs.getInt(1), rs.getLong(2));
                    }
                }, group, topic);
        return positions;
    }

    /** Writes the advance on the transaction's connection; throws when a partition is no longer where it was read. */
    public static void advance(Connection c, Advance advance) throws SQLException {
        for (Map.Entry<Integer, Long> to : new java.util.TreeMap<>(advance.to()).entrySet()) { // in key order: no deadlock
            Long from = advance.from().get(to.getKey());
            int changed;
            if (from == null) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO consumer_position (group_id, topic, partition_no, next_offset) VALUES (?, ?, ?, ?)")) {
                    ps.setString(1, advance.group());
                    ps.setString(2, advance.topic());
                    ps.setInt(3, to.getKey());
                    ps.setLong(4, to.getValue());
                    changed = ps.executeUpdate(); // a row written meanwhile by another consumer: a key violation
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement("UPDATE consumer_position SET next_offset = ? "
                        + "WHERE group_id = ? AND topic = ? AND partition_no = ? AND next_offset = ?")) {
                    ps.setLong(1, to.getValue());
                    ps.setString(2, advance.group());
                    ps.setString(3, advance.topic());
                    ps.setInt(4, to.getKey());
                    ps.setLong(5, from);
                    changed = ps.executeUpdate();
                }
            }
            if (changed != 1) {
                throw new SQLException("partition " + to.getKey() + " of " + advance.topic() + " was stored by another "
                        + "consumer meanwhile; the records are read again", "40001");
            }
        }
    }
}
