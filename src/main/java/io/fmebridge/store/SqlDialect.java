package io.fmebridge.store;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What differs between the two stores in the service's own SQL. H2 is one process: a plain
 * UPDATE-then-INSERT is safe there. PostgreSQL may be shared by several instances: upserts must be
 * one atomic statement, and the outbox is claimed with {@code SKIP LOCKED}.
 */
public enum SqlDialect {
    H2,
    POSTGRES;

    public static SqlDialect of(String jdbcUrl) {
        return jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:") ? POSTGRES : H2;
    }

    /** True when upserts run as one atomic statement and the database arbitrates duplicates. */
    public boolean shared() {
        return this == POSTGRES;
    }

    /** Appended to a SELECT of due rows, so that instances claiming at once take different ones. */
    public String skipLocked() {
        return this == POSTGRES ? " FOR UPDATE SKIP LOCKED" : "";
    }

    /**
     * An upsert of rows bound as {@code values..., keys...}. With {@code adding}, each value is
     * added to the stored one (counters), else it replaces it.
     */
    public record Upsert(String table, List<String> values, List<String> keys, boolean adding) {

        String update() {
            return "UPDATE " + table + " SET " + values.stream().map(v -> v + " = " + (adding ? v + " + ?" : "?"))
                    .collect(Collectors.joining(", ")) + " WHERE " + keys.stream().map(k -> k + " = ?")
                    .collect(Collectors.joining(" AND "));
        }

        String insert() {
            List<String> columns = new java.util.ArrayList<>(values);
            columns.addAll(keys);
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                    + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
        }

        /** PostgreSQL: one statement, atomic however many instances insert the same key at once. */
        String insertOnConflict() {
            return insert() + " ON CONFLICT (" + String.join(", ", keys) + ") DO UPDATE SET "
                    + values.stream().map(v -> v + " = " + (adding ? table + "." + v + " + " : "") + "EXCLUDED." + v)
                    .collect(Collectors.joining(", "));
        }
    }
}
