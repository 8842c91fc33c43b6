package io.fmebridge.settings;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The settings in the database: every change is a new version of the whole document (the file's
 * format, credentials hashed), so a change is atomic and the history is kept.
 */
public class SettingsStore {
    private final JdbcTemplate jdbc;

    public SettingsStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One saved version of the settings. */
    public record Version(long version, String document, Instant changedAt, String change) {
    }

    public Optional<Version> latest() {
        List<Version> rows = jdbc.query(
                "SELECT version, document, changed_at, change FROM settings_version ORDER BY version DESC FETCH FIRST 1 ROWS ONLY",
                (rs, i) -> new Version(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4)));
        return rows.stream().findFirst();
    }

    /**
     * Saves the next version; two writers racing for the same number fail on the primary key.
     * Only the newest {@value #KEPT} versions are kept: older ones would hold write keys and
     * signing secrets that were replaced, perhaps because they leaked.
     */
    public long save(long previousVersion, String document, String change) {
        long next = previousVersion + 1;
        jdbc.update("INSERT INTO settings_version (version, document, changed_at, change) VALUES (?, ?, ?, ?)",
                next, document, Timestamp.from(Instant.now()), change.length() > 300 ? change.substring(0, 300) : change);
        jdbc.update("DELETE FROM settings_version WHERE version <= ?", next - KEPT);
        return next;
    }

    public void forgetBefore(long version) {
        jdbc.update("DELETE FROM settings_version WHERE version < ?", version);
    }

    /** How many versions of the settings are kept. */
    public static final int KEPT = 10;
}
