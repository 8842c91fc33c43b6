package io.fmebridge.store;

import java.sql.SQLException;
import java.util.Set;

import com.zaxxer.hikari.SQLExceptionOverride;

/**
 * Tells the connection pool that H2's "connection broken" and "database closed" errors mean the
 * connection is dead, as SQL state 08 does for other databases, so that the service recovers
 * by itself once the database is back.
 */
public class EvictBrokenConnections implements SQLExceptionOverride {
    private static final Set<Integer> H2_BROKEN = Set.of(90067, 90098, 90121);

    @java.lang.Override
    public SQLExceptionOverride.Override adjudicate(SQLException e) {
        return H2_BROKEN.contains(e.getErrorCode()) ? SQLExceptionOverride.Override.MUST_EVICT
                : SQLExceptionOverride.Override.CONTINUE_EVICT;
    }
}
