package io.fmebridge.store;

import io.fmebridge.api.RequestRejectedException;

/**
 * The database refused a request's own data (SQLState class 22, data exception, or 23, integrity
 * constraint), while the rest of its group could be written: trying it again would fail again.
 * Over HTTP it is answered like any storage failure (503); a Kafka consumer may pass such a record
 * over, where any other failure holds its partition until it passes.
 */
public class DataRefusedException extends RequestRejectedException {
    public DataRefusedException(String message, int retryAfterSeconds) {
        super(503, message, retryAfterSeconds);
    }

    /** Whether the database refused this data itself, rather than being unreachable or busy. */
    public static boolean refusesTheData(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DataRefusedException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }
}
