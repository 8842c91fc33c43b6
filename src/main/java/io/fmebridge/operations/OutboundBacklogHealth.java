package io.fmebridge.operations;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The outbound backlog in {@code /actuator/health}: batches waiting for Segment, retrying, and
 * dead letters. A backlog is reported, not treated as down: the service still takes traffic.
 */
@Component("outboundBacklog")
public class OutboundBacklogHealth implements HealthIndicator {
    private final JdbcTemplate jdbc;

    public OutboundBacklogHealth(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Health health() {
        Long waiting = jdbc.queryForObject("SELECT COALESCE(SUM(message_count), 0) FROM outbound_batch WHERE attempts = 0", Long.class);
        Long retrying = jdbc.queryForObject("SELECT COALESCE(SUM(message_count), 0) FROM outbound_batch WHERE attempts > 0", Long.class);
        Long dead = jdbc.queryForObject("SELECT COUNT(*) FROM dead_letter", Long.class);
        return Health.up().withDetail("waiting", waiting).withDetail("retrying", retrying).withDetail("deadLetters", dead).build();
    }
}
