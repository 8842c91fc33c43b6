package io.fmebridge.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads what the destination side stored, for the query API (contract section 4). */
@Repository
public class QueryRepository {
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public QueryRepository(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public record EventView(String eventTypeId, String trafficType, String key, Double value, String timestamp,
                            JsonNode properties, String messageId, String destinationId) {
    }

    public record EventTypeView(String eventTypeId, String trafficType, long count, long valueCount, Double sum, Double avg) {
    }

    public record IdentityView(String trafficType, String key, Map<String, JsonNode> attributes, String updatedAt) {
    }

    public record DropView(String messageId, String reason, String detail, String receivedAt) {
    }

    public record ImpressionView(String key, String split, String treatment, String label, Long changeNumber, String time,
                                 String bucketingKey, String trafficType) {
    }

    public List<ImpressionView> impressions(String environmentId, String split, String key, int limit) {
        StringBuilder sql = new StringBuilder("SELECT identity_key, flag, treatment, label, change_number, impression_time, "
                + "bucketing_key, traffic_type FROM fme_impression WHERE environment_id = ?");
        List<Object> args = new ArrayList<>(List.of(environmentId));
        if (split != null) {
            sql.append(" AND flag = ?");
            args.add(StoredText.of(split));
        }
        if (key != null) {
            sql.append(" AND identity_key = ?");
            args.add(StoredText.of(key)); // as it was stored: a NUL would fail the query on PostgreSQL
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, i) -> new ImpressionView(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4), (Long) rs.getObject(5, Long.class), iso(rs.getLong(6)), rs.getString(7), rs.getString(8)),
                args.toArray());
    }

    public record DestinationStats(long received, long stored, long duplicates, Map<String, Long> dropped) {
    }

    public List<EventView> events(String environmentId, String trafficType, String eventTypeId, String key, int limit) {
        return events(environmentId, trafficType, eventTypeId, key, null, limit);
    }

    /** Newest first; {@code destinationId}, when given, keeps the events that came through that destination. */
    public List<EventView> events(String environmentId, String trafficType, String eventTypeId, String key, String destinationId,
                                  int limit) {
        StringBuilder sql = new StringBuilder("SELECT event_type_id, traffic_type, identity_key, event_value, event_time, "
                + "properties, message_id, destination_id FROM fme_event WHERE environment_id = ?");
        List<Object> args = new ArrayList<>(List.of(environmentId));
        if (trafficType != null) {
            sql.append(" AND traffic_type = ?");
            args.add(trafficType.toLowerCase(java.util.Locale.ROOT));
        }
        if (eventTypeId != null) {
            sql.append(" AND event_type_id = ?");
            args.add(StoredText.of(eventTypeId));
        }
        if (key != null) {
            sql.append(" AND identity_key = ?");
            args.add(StoredText.of(key)); // as it was stored: a NUL would fail the query on PostgreSQL
        }
        if (destinationId != null) {
            sql.append(" AND destination_id = ?");
            args.add(destinationId);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, i) -> new EventView(rs.getString(1), rs.getString(2), rs.getString(3),
                (Double) rs.getObject(4, Double.class), iso(rs.getLong(5)), parse(rs.getString(6)), rs.getString(7),
                rs.getString(8)), args.toArray());
    }

    public List<EventTypeView> eventTypes(String environmentId, String trafficType) {
        String sql = "SELECT event_type_id, traffic_type, COUNT(*), COUNT(event_value), SUM(event_value), AVG(event_value) "
                + "FROM fme_event WHERE environment_id = ?" + (trafficType == null ? "" : " AND traffic_type = ?")
                + " GROUP BY event_type_id, traffic_type ORDER BY event_type_id, traffic_type";
        Object[] args = trafficType == null ? new Object[] {environmentId}
                : new Object[] {environmentId, trafficType.toLowerCase(java.util.Locale.ROOT)};
        return jdbc.query(sql, (rs, i) -> new EventTypeView(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                (Double) rs.getObject(5, Double.class), (Double) rs.getObject(6, Double.class)), args);
    }

    public Optional<IdentityView> identity(String environmentId, String trafficType, String key) {
        String tt = trafficType.toLowerCase(java.util.Locale.ROOT);
        List<Long> updated = jdbc.queryForList("SELECT updated_at FROM fme_identity WHERE environment_id = ? "
                + "AND traffic_type = ? AND identity_key = ?", Long.class, environmentId, tt, StoredText.of(key));
        if (updated.isEmpty()) {
            return Optional.empty();
        }
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        jdbc.query("SELECT name, value_json FROM fme_attribute WHERE environment_id = ? AND traffic_type = ? "
                + "AND identity_key = ? ORDER BY name", rs -> {
                    attributes.put(rs.getString(1), parse(rs.getString(2)));
                }, environmentId, tt, StoredText.of(key));
        return Optional.of(new IdentityView(tt, key, attributes, iso(updated.get(0))));
    }

    public List<DropView> dropped(String destinationId, String reason, int limit) {
        String sql = "SELECT message_id, reason, detail, received_at FROM dropped_message WHERE destination_id = ?"
                + (reason == null ? "" : " AND reason = ?") + " ORDER BY id DESC LIMIT ?";
        Object[] args = reason == null ? new Object[] {destinationId, limit} : new Object[] {destinationId, StoredText.of(reason), limit};
        return jdbc.query(sql, (rs, i) -> new DropView(rs.getString(1), rs.getString(2), rs.getString(3), iso(rs.getLong(4))), args);
    }

    /** {@code dropped} holds every reason recorded, duplicates included; {@code duplicates} repeats that count. */
    public DestinationStats destinationStats(String destinationId) {
        Map<String, Long> counters = new LinkedHashMap<>();
        jdbc.query("SELECT name, total FROM destination_counter WHERE destination_id = ? ORDER BY name",
                rs -> {
                    counters.put(rs.getString(1), rs.getLong(2));
                }, destinationId);
        Map<String, Long> dropped = new LinkedHashMap<>();
        counters.forEach((name, total) -> {
            if (name.startsWith("dropped.")) {
                dropped.put(name.substring("dropped.".length()), total);
            }
        });
        return new DestinationStats(counters.getOrDefault("received", 0L), counters.getOrDefault("stored", 0L),
                counters.getOrDefault("duplicates", 0L), dropped);
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return json.getNodeFactory().textNode(text);
        }
    }

    private static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
