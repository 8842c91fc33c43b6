package io.fmebridge.readout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import io.fmebridge.readout.ReadoutStatistics.Sample;
import io.fmebridge.settings.Metric;
import io.fmebridge.store.StoredText;

/**
 * The SQL of the readout: the database groups the impressions by key, then the events by key, then
 * the keys by treatment, and hands back a few figures per treatment (keys, Σx, Σx², conversions),
 * never a row per key or per event.
 *
 * <p>A key's exposure is its impressions of the flag in the range: its first one opens the window,
 * and it counts for its treatment when all its impressions in the range have the same one. Its
 * events count from the time of its first impression to the end of the range, inclusive.
 */
@Repository
public class ReadoutQuery {
    private final JdbcTemplate jdbc;

    public ReadoutQuery(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** What is read: one flag of one environment and traffic type, in a range of epoch milliseconds, perhaps of some keys only. */
    public record Scope(String environment, String flag, String trafficType, long from, long to, AttributeFilter filter) {
    }

    /** Keys whose attribute {@code name} is {@code value} (the identity's current attributes). */
    public record AttributeFilter(String name, String value) {
        /** How the value may be stored: as a JSON string, or as it is when it reads as a number or a boolean. */
        List<String> storedForms() {
            List<String> forms = new ArrayList<>();
            forms.add(com.fasterxml.jackson.databind.node.TextNode.valueOf(value).toString());
            if (value.equals("true") || value.equals("false") || value.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
                forms.add(value);
            }
            if (forms.size() == 1) {
                forms.add(forms.get(0));
            }
            return forms;
        }
    }

    /** Keys exposed to one treatment: those with this treatment only, and those that had it first and another later. */
    public record Exposure(String treatment, long keys, long mixedKeys, long firstExposure) {
    }

    /** One treatment's figures for one metric: keys that count, keys with a measure, events, and the sample of per-key measures. */
    public record MetricFigures(String treatment, long keys, long events, long converted, Sample sample) {
    }

    /** Whether the flag has any impression in the environment, at any time. */
    public boolean flagSeen(String environment, String flag) {
        return !jdbc.queryForList("SELECT 1 FROM fme_impression WHERE environment_id = ? AND flag = ? LIMIT 1", Integer.class,
                environment, StoredText.of(flag)).isEmpty();
    }

    /** Whether the environment has any event of this type and traffic type, at any time. */
    public boolean eventTypeSeen(String environment, String eventType, String trafficType) {
        return !jdbc.queryForList("SELECT 1 FROM fme_event WHERE environment_id = ? AND event_type_id = ? AND traffic_type = ? LIMIT 1",
                Integer.class, environment, eventType, trafficType).isEmpty();
    }

    /** Per treatment, in the order of their first impression: keys exposed to it alone, and keys that had it first and then another. */
    public List<Exposure> exposures(Scope scope) {
        Map<String, long[]> byTreatment = new LinkedHashMap<>();
        List<Object> args = new ArrayList<>();
        String sql = "SELECT x.t_low, COUNT(*), MIN(x.first_at) FROM (" + exposureSql(scope, args) + ") x"
                + " WHERE x.t_low = x.t_high GROUP BY x.t_low";
        jdbc.query(sql, rs -> {
            byTreatment.put(rs.getString(1), new long[] {rs.getLong(2), 0, rs.getLong(3)});
        }, args.toArray());

        List<Object> mixedArgs = new ArrayList<>();
        String exposures = exposureSql(scope, mixedArgs);
        mixedArgs.addAll(List.of(scope.environment(), StoredText.of(scope.flag()), scope.trafficType()));
        String mixed = "SELECT m.first_treatment, COUNT(*), MIN(m.first_at) FROM ("
                + "SELECT x.k, MIN(x.first_at) AS first_at, MIN(i.treatment) AS first_treatment FROM (" + exposures + ") x"
                + " JOIN fme_impression i ON i.environment_id = ? AND i.flag = ? AND i.traffic_type = ?"
                + " AND i.identity_key = x.k AND i.impression_time = x.first_at"
                + " WHERE x.t_low <> x.t_high GROUP BY x.k) m GROUP BY m.first_treatment";
        jdbc.query(mixed, rs -> {
            long[] figures = byTreatment.computeIfAbsent(rs.getString(1), t -> new long[] {0, 0, Long.MAX_VALUE});
            figures[1] = rs.getLong(2);
            figures[2] = Math.min(figures[2], rs.getLong(3));
        }, mixedArgs.toArray());

        List<Exposure> result = new ArrayList<>();
        byTreatment.forEach((t, f) -> result.add(new Exposure(t, f[0], f[1], f[2])));
        result.sort(java.util.Comparator.comparingLong(Exposure::firstExposure).thenComparing(Exposure::treatment));
        return result;
    }

    /**
     * Per treatment, the per-key measure of the metric over the keys that count (one treatment):
     * grouped by key in the database, then by treatment.
     */
    public Map<String, MetricFigures> figures(Scope scope, Metric metric) {
        List<Object> args = new ArrayList<>();
        String exposures = exposureSql(scope, args);
        args.addAll(List.of(scope.environment(), metric.eventType(), metric.trafficType(), scope.to()));
        String perKey = "SELECT x.t_low AS t, x.k AS k, COUNT(e.identity_key) AS events, COUNT(e.event_value) AS valued,"
                + " SUM(e.event_value) AS value_sum"
                + " FROM (" + exposures + ") x"
                + " LEFT JOIN fme_event e ON e.environment_id = ? AND e.event_type_id = ? AND e.traffic_type = ?"
                + " AND e.identity_key = x.k AND e.event_time >= x.first_at AND e.event_time <= ?"
                + " WHERE x.t_low = x.t_high"
                + " GROUP BY x.t_low, x.k";
        String measure = switch (metric.measure()) {
            case conversion -> "CASE WHEN pk.events > 0 THEN 1.0 ELSE 0.0 END";
            case count -> "CAST(pk.events AS DOUBLE PRECISION)";
            case sum -> "CAST(COALESCE(pk.value_sum, 0) AS DOUBLE PRECISION)";
            case average -> "CASE WHEN pk.valued > 0 THEN CAST(pk.value_sum AS DOUBLE PRECISION) / pk.valued END";
        };
        String sql = "SELECT pk.t, COUNT(*), SUM(pk.events), SUM(CASE WHEN pk.events > 0 THEN 1 ELSE 0 END),"
                + " COUNT(" + measure + "), SUM(" + measure + "), SUM((" + measure + ") * (" + measure + "))"
                + " FROM (" + perKey + ") pk GROUP BY pk.t";
        Map<String, MetricFigures> figures = new LinkedHashMap<>();
        jdbc.query(sql, rs -> {
            String t = rs.getString(1);
            long measured = rs.getLong(5);
            figures.put(t, new MetricFigures(t, rs.getLong(2), rs.getLong(3), rs.getLong(4),
                    new Sample(measured, measured == 0 ? 0 : rs.getDouble(6), measured == 0 ? 0 : rs.getDouble(7))));
        }, args.toArray());
        return figures;
    }

    /**
     * One row per key exposed in the range: {@code k}, {@code first_at} (its first impression),
     * {@code t_low} and {@code t_high} (the same when it had one treatment only). Appends its
     * arguments to {@code args}.
     */
    private static String exposureSql(Scope scope, List<Object> args) {
        StringBuilder sql = new StringBuilder("SELECT i.identity_key AS k, MIN(i.impression_time) AS first_at,"
                + " MIN(i.treatment) AS t_low, MAX(i.treatment) AS t_high FROM fme_impression i");
        if (scope.filter() != null) {
            List<String> forms = scope.filter().storedForms();
            sql.append(" JOIN fme_attribute a ON a.environment_id = i.environment_id AND a.traffic_type = i.traffic_type"
                    + " AND a.identity_key = i.identity_key AND a.name = ? AND a.value_json IN (?, ?)");
            args.add(StoredText.of(scope.filter().name()));
            args.addAll(forms);
        }
        sql.append(" WHERE i.environment_id = ? AND i.flag = ? AND i.traffic_type = ?"
                + " AND i.impression_time >= ? AND i.impression_time <= ? GROUP BY i.identity_key");
        args.addAll(List.of(scope.environment(), StoredText.of(scope.flag()), scope.trafficType(), scope.from(), scope.to()));
        return sql.toString();
    }
}
