package io.fmebridge.benchmark;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The readout case of the benchmark (issue 13): a flag's impressions and its keys' events loaded
 * into a fresh store by batched JDBC, then the readout of three metrics asked of the packaged
 * service over HTTP, cold (the first call after a start) and warm.
 *
 * <p>The baseline, in the same run on the same file: one plain scan of the rows the readout reads
 * (a count of the flag's impressions, and a count and sum of the metric's events), by JDBC from
 * this JVM with the service stopped. The readout's time is reported as a multiple of it.
 *
 * <p>The data: keys {@code u-0..}, each with impressions of {@code bench_flag} (on/off by key;
 * one key in 200 gets the other treatment later, a mixed key), then events of type
 * {@code purchase} (a value) and {@code click} over the week after, some before its first
 * impression (not counted). Treatment {@code on} converts more often, so the readout has an
 * effect to find.
 */
final class ReadoutBenchmark {
    static final String FLAG = "bench_flag";
    static final long T0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The size of the case. */
    record Size(int keys, int impressionsPerKey, int eventsPerKey) {
        long impressions() {
            return (long) keys * impressionsPerKey;
        }

        long events() {
            return (long) keys * eventsPerKey;
        }

        /** One million impressions and five million events. */
        static Size full() {
            return new Size(250_000, 4, 20);
        }

        static Size smoke() {
            return new Size(5_000, 4, 20);
        }

        /** The full or smoke size; {@code benchmark.readout-keys=50000} for a smaller full run. */
        static Size from(boolean full, java.util.Properties p) {
            Size size = full ? full() : smoke();
            String keys = p.getProperty("benchmark.readout-keys");
            return keys == null || keys.isBlank() ? size : new Size(Integer.parseInt(keys.trim()), size.impressionsPerKey(), size.eventsPerKey());
        }
    }

    /** What one run measured. */
    record Result(Size size, double loadSeconds, double coldSeconds, double warmSeconds, double scanSeconds, long peakHeap,
                  long peakRss, long exposedKeys, long mixedKeys, double conversionPValue, boolean verified, String request) {
        double perScan() {
            return warmSeconds / scanSeconds;
        }
    }

    private final Size size;
    private final Path dir;
    private final Path integrations;
    private final Path log;
    private final List<String> serviceJvmArgs;

    ReadoutBenchmark(Size size, Path work, String runId, List<String> serviceJvmArgs) {
        this.size = size;
        this.dir = work.resolve("data-" + runId).resolve("readout");
        this.integrations = work.resolve("readout-integrations.yml");
        this.log = work.resolve("readout-service.log");
        this.serviceJvmArgs = serviceJvmArgs;
    }

    Result run() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(integrations, INTEGRATIONS);
        System.out.printf("%nReadout: %,d keys, %,d impressions, %,d events, on a fresh store under %s%n", size.keys(), size.impressions(),
                size.events(), dir);
        // a first start creates the schema; the rows then go in by JDBC while the service is stopped
        Processes.stop(start());
        long t0 = System.nanoTime();
        load();
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("readout  loaded in %.1f s%n", loadSeconds);

        String request = "/api/environments/bench/flags/" + FLAG + "/readout?from=" + Instant.ofEpochMilli(T0 - DAY) + "&to="
                + Instant.ofEpochMilli(T0 + 9 * DAY) + "&metric=purchase-conversion,purchase-revenue,clicks";
        Process service = start();
        int port = servicePort;
        double cold;
        double[] warm = new double[3];
        JsonNode answer;
        long peakHeap;
        long peakRss;
        try (MemoryProbe memory = new MemoryProbe(service.pid(), "http://127.0.0.1:" + port + "/actuator/prometheus")) {
            long c0 = System.nanoTime();
            answer = JSON.readTree(get(port, request));
            cold = (System.nanoTime() - c0) / 1e9;
            for (int i = 0; i < warm.length; i++) {
                // another end of the range each time, 1 ms apart: H2 answers a repeated query with its cached result
                String again = request.replace(Instant.ofEpochMilli(T0 + 9 * DAY).toString(), Instant.ofEpochMilli(T0 + 9 * DAY + 1 + i).toString());
                long w0 = System.nanoTime();
                get(port, again);
                warm[i] = (System.nanoTime() - w0) / 1e9;
            }
            peakHeap = memory.peakHeap();
            peakRss = memory.peakRss();
        } finally {
            Processes.stop(service);
        }
        java.util.Arrays.sort(warm);
        double scan = scan();
        Processes.deleteData(dir);

        long exposed = answer.path("exposure").path("keys").asLong();
        long mixed = answer.path("exposure").path("mixedKeys").asLong();
        double p = Double.NaN;
        for (JsonNode m : answer.path("metrics")) {
            if (m.path("id").asText().equals("purchase-conversion")) {
                for (JsonNode c : m.path("comparisons")) {
                    p = c.path("pValue").asDouble();
                }
            }
        }
        long expectedMixed = (size.keys() + 199 - 7) / 200;
        boolean verified = exposed + mixed == size.keys() && mixed == expectedMixed;
        Result result = new Result(size, loadSeconds, cold, warm[warm.length / 2], scan, peakHeap, peakRss, exposed, mixed, p, verified,
                request);
        System.out.printf("readout  cold %.2f s, warm %.2f s (median of 3), one scan of its rows %.2f s: %.1f × the scan; heap %s MB, RSS %s MB;"
                        + " %,d keys exposed, %,d mixed, conversion p %.2g%s%n", cold, result.warmSeconds(), scan, result.perScan(),
                Benchmark.mb(peakHeap), Benchmark.mb(peakRss), exposed, mixed, p, verified ? "" : "  NOT VERIFIED");
        return result;
    }

    private int servicePort;

    private Process start() throws Exception {
        servicePort = Processes.freePort();
        return Processes.service(dir, servicePort, integrations, Benchmark.ADMIN_TOKEN, log, serviceJvmArgs);
    }

    private static String get(int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + Benchmark.ADMIN_TOKEN).GET().build();
        HttpResponse<String> response = Processes.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private String url() {
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve("fme");
    }

    private void load() throws Exception {
        SplittableRandom random = new SplittableRandom(13);
        try (Connection c = DriverManager.getConnection(url(), "sa", "")) {
            c.setAutoCommit(false);
            try (PreparedStatement impression = c.prepareStatement("INSERT INTO fme_impression (environment_id, flag, identity_key,"
                    + " treatment, label, change_number, impression_time, bucketing_key, traffic_type, received_at)"
                    + " VALUES ('bench', ?, ?, ?, 'default rule', 1, ?, NULL, 'user', ?)");
                 PreparedStatement event = c.prepareStatement("INSERT INTO fme_event (environment_id, destination_id, traffic_type,"
                         + " identity_key, event_type_id, event_value, event_time, properties, message_id, received_at)"
                         + " VALUES ('bench', 'bench-web', 'user', ?, ?, ?, ?, '{}', NULL, ?)")) {
                int pending = 0;
                for (int k = 0; k < size.keys(); k++) {
                    String key = "u-" + k;
                    boolean on = k % 2 == 0;
                    long first = T0 + random.nextLong(DAY);
                    for (int i = 0; i < size.impressionsPerKey(); i++) {
                        boolean switched = i > 0 && k % 200 == 7; // a mixed key: the other treatment after the first
                        impression.setString(1, FLAG);
                        impression.setString(2, key);
                        impression.setString(3, on != switched ? "on" : "off");
                        long at = first + i * 3_600_000L;
                        impression.setLong(4, at);
                        impression.setLong(5, at);
                        impression.addBatch();
                    }
                    double conversion = on ? 0.06 : 0.05;
                    for (int i = 0; i < size.eventsPerKey(); i++) {
                        boolean purchase = random.nextDouble() < conversion;
                        long at = first - DAY / 2 + random.nextLong(8 * DAY); // some before the first impression
                        event.setString(1, key);
                        event.setString(2, purchase ? "purchase" : "click");
                        if (purchase) {
                            event.setDouble(3, 10 + random.nextInt(90));
                        } else {
                            event.setNull(3, java.sql.Types.DOUBLE);
                        }
                        event.setLong(4, at);
                        event.setLong(5, at);
                        event.addBatch();
                    }
                    if (++pending == 500) {
                        impression.executeBatch();
                        event.executeBatch();
                        c.commit();
                        pending = 0;
                    }
                }
                impression.executeBatch();
                event.executeBatch();
                c.commit();
            }
        }
    }

    /** The baseline: one scan of the rows the readout reads, the second of two runs (the first reads the file into the cache). */
    private double scan() throws Exception {
        try (Connection c = DriverManager.getConnection(url(), "sa", "")) {
            double seconds = 0;
            for (int run = 0; run < 2; run++) {
                long t0 = System.nanoTime();
                try (PreparedStatement impressions = c.prepareStatement("SELECT COUNT(*) FROM fme_impression WHERE environment_id = 'bench'"
                        + " AND flag = ? AND traffic_type = 'user' AND impression_time BETWEEN ? AND ?");
                     PreparedStatement events = c.prepareStatement("SELECT event_type_id, COUNT(*), SUM(event_value) FROM fme_event"
                             + " WHERE environment_id = 'bench' AND traffic_type = 'user' AND event_type_id IN ('purchase', 'click')"
                             + " AND event_time <= ? GROUP BY event_type_id")) {
                    impressions.setString(1, FLAG);
                    impressions.setLong(2, T0 - DAY);
                    impressions.setLong(3, T0 + 9 * DAY + run); // not the same query twice: H2 would reuse its result
                    try (ResultSet rs = impressions.executeQuery()) {
                        rs.next();
                    }
                    events.setLong(1, T0 + 9 * DAY + run);
                    try (ResultSet rs = events.executeQuery()) {
                        while (rs.next()) {
                            rs.getLong(2);
                        }
                    }
                }
                seconds = (System.nanoTime() - t0) / 1e9;
            }
            return seconds;
        }
    }

    private static final String INTEGRATIONS = """
            # Written by the benchmark's readout case: one environment and three metrics of its events.
            environments:
              - id: bench
                name: Benchmark
                trafficTypes: [user]
                sdkKeys: [sdk-key-bench]
                defaultTrafficType: user
            metrics:
              - id: purchase-conversion
                name: Purchase conversion
                environment: bench
                trafficType: user
                eventType: purchase
                measure: conversion
              - id: purchase-revenue
                name: Revenue per key
                environment: bench
                trafficType: user
                eventType: purchase
                measure: sum
              - id: clicks
                name: Clicks per key
                environment: bench
                trafficType: user
                eventType: click
                measure: count
            """;
}
