package io.fmebridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

import io.fmebridge.source.DeadLetter;
import io.fmebridge.source.Impression;
import io.fmebridge.source.ImpressionParser.ImpressionCount;
import io.fmebridge.source.ImpressionWrites;

/** The inserts of an impressions request, run inside the group commit's transaction. */
final class ImpressionStore {
    private ImpressionStore() {
    }

    private static final String COLUMNS = "environment_id, flag, identity_key, treatment, label, change_number, "
            + "impression_time, bucketing_key, traffic_type, received_at, impression_id";
    private static final String VALUES = "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /**
     * On PostgreSQL (several instances) an impression that is already stored is left as it is, so
     * a request sent again to another instance stores nothing twice. On H2 (one instance) every
     * impression received is stored: the unique index halved the intake there.
     */
    static String insertImpression(SqlDialect dialect) {
        return "INSERT INTO fme_impression (" + COLUMNS + ") " + VALUES
                + (dialect == SqlDialect.POSTGRES ? " ON CONFLICT (environment_id, impression_id) DO NOTHING" : "");
    }

    /**
     * The impression's time (16 hex digits, ordered as the signed time is), then 16 hex digits of
     * SHA-256 over its environment and fields. Starting with the time keeps the unique index's
     * inserts near its end, since impressions arrive roughly in time order.
     */
    static String impressionId(Impression i) {
        String identity = String.join("\u0000", i.environmentId(), i.flag(), i.key(), i.treatment(), Long.toString(i.time()),
                String.valueOf(i.changeNumber()), String.valueOf(i.label()), String.valueOf(i.bucketingKey()));
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.util.HexFormat hex = java.util.HexFormat.of();
            return hex.toHexDigits(i.time() ^ Long.MIN_VALUE) + hex.formatHex(hash, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void insert(Connection c, List<ImpressionWrites> writes, SqlDialect dialect) throws SQLException {
        if (writes.isEmpty()) {
            return;
        }
        try (PreparedStatement imp = c.prepareStatement(insertImpression(dialect));
             PreparedStatement count = c.prepareStatement("INSERT INTO fme_impression_count (environment_id, flag, slot_time, "
                     + "total, received_at) VALUES (?, ?, ?, ?, ?)");
             PreparedStatement dead = c.prepareStatement("INSERT INTO dead_letter (source_id, message_id, message, reason, "
                     + "failed_at) VALUES (?, ?, ?, ?, ?)")) {
            boolean anyImp = false, anyCount = false, anyDead = false;
            for (ImpressionWrites w : writes) {
                for (ImpressionWrites.Stored stored : w.impressions()) {
                    Impression i = stored.impression();
                    imp.setString(1, StoredText.of(i.environmentId()));
                    imp.setString(2, cut(i.flag(), 255));
                    imp.setString(3, StoredText.of(i.key()));
                    imp.setString(4, cut(i.treatment(), 255));
                    imp.setString(5, cut(i.label(), 255));
                    if (i.changeNumber() == null) {
                        imp.setNull(6, Types.BIGINT);
                    } else {
                        imp.setLong(6, i.changeNumber());
                    }
                    imp.setLong(7, i.time());
                    imp.setString(8, cut(i.bucketingKey(), 250));
                    imp.setString(9, StoredText.of(stored.trafficType()));
                    imp.setLong(10, w.receivedAt());
                    // only PostgreSQL's unique index uses it: no hash per impression on H2's hot path
                    imp.setString(11, dialect == SqlDialect.POSTGRES ? impressionId(i) : null);
                    imp.addBatch();
                    anyImp = true;
                }
                for (ImpressionCount ic : w.counts()) {
                    count.setString(1, StoredText.of(w.environmentId()));
                    count.setString(2, cut(ic.flag(), 255));
                    count.setLong(3, ic.time());
                    count.setLong(4, ic.count());
                    count.setLong(5, w.receivedAt());
                    count.addBatch();
                    anyCount = true;
                }
                for (DeadLetter d : w.deadLetters()) {
                    OutboxRepository.bindDeadLetter(dead, d);
                    dead.addBatch();
                    anyDead = true;
                }
            }
            if (anyImp) {
                imp.executeBatch();
            }
            if (anyCount) {
                count.executeBatch();
            }
            if (anyDead) {
                dead.executeBatch();
            }
        }
    }

    /** Cut to the column's length, NUL replaced (see {@link StoredText}). */
    static String cut(String s, int max) {
        return StoredText.of(s, max);
    }
}
