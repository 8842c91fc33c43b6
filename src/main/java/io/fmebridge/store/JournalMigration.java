package io.fmebridge.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Moves what earlier versions left in the journal's earlier homes (the store's {@code journal_entry}
 * table, then an H2 file {@code fme-journal.mv.db} beside the store) into the journal's files, with
 * their ids, before anything is appended. The old file is deleted only once its entries are on
 * disk in the new journal; a crash in between moves them again, and entries already there are left
 * out.
 */
public final class JournalMigration {
    private static final Logger log = LoggerFactory.getLogger(JournalMigration.class);

    private JournalMigration() {
    }

    /** Returns how many entries were moved. */
    public static int moveInto(FileJournal journal, DataSource store, String storeUrl, String user, String password, String flush,
                               String group) {
        String oldUrl = JournalDatabase.ownFileUrl(storeUrl);
        Path oldFile = Path.of(oldUrl.substring("jdbc:h2:file:".length()).split(";")[0] + ".mv.db");
        if (!Files.exists(oldFile) && !storeHasEntries(store)) {
            return 0;
        }
        int[] moved = {0};
        try (JournalDatabase old = JournalDatabase.forStore(store, storeUrl, user, password, flush, group)) {
            old.readAll(chunk -> moved[0] += journal.importEntries(chunk));
        }
        try {
            Files.deleteIfExists(oldFile);
            Files.deleteIfExists(Path.of(oldFile.toString().replace(".mv.db", ".trace.db")));
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the journal's old file " + oldFile + ": " + e.getMessage(), e);
        }
        log.info("Moved {} journal entries from {} into the journal's files", moved[0], oldFile);
        return moved[0];
    }

    private static boolean storeHasEntries(DataSource store) {
        JdbcTemplate jdbc = new JdbcTemplate(store);
        Boolean exists = jdbc.queryForObject("SELECT COUNT(*) > 0 FROM INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_NAME) = 'JOURNAL_ENTRY'",
                Boolean.class);
        return Boolean.TRUE.equals(exists) && Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT COUNT(*) > 0 FROM journal_entry", Boolean.class));
    }
}
