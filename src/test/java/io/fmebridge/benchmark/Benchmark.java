package io.fmebridge.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.segment.analytics.Analytics;
import com.segment.analytics.messages.TrackMessage;

/**
 * The benchmark of issue 7: the packaged service on a fresh data directory, loaded over loopback
 * side by side with two baselines run in the same process, so that its figures are ratios:
 * <ul>
 * <li>inbound batch ({@code /v1/batch}, 100 messages a request) and inbound single (the webhook,
 * one message a request) against {@link NaiveCeiling};</li>
 * <li>outbound (impressions in, {@code get_treatment} batches out to {@link SegmentSink}) against
 * analytics-java sending the same number of tracks to a sink of its own.</li>
 * </ul>
 * Prints a table while it runs; {@link BenchmarkReport} writes the markdown and the chart.
 */
final class Benchmark {
    static final String ADMIN_TOKEN = "bench-admin-token";
    static final String DESTINATION = "bench-web";
    static final String SOURCE = "bench-segment";
    static final String API_AUTH = "Basic " + Base64.getEncoder().encodeToString("bench-api-key:".getBytes());
    static final String HOOK_SECRET = "bench-hook-secret";
    static final int BATCH_MESSAGES = 100;
    static final int IMPRESSIONS_PER_REQUEST = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long and how wide a run is. */
    record Plan(String name, int[] senders, int[] singleSenders, long warmupMillis, long measureMillis, int impressions,
                int impressionSenders) {
        static Plan full() {
            return new Plan("full", new int[] {1, 4, 16, 64}, new int[] {1, 4, 16, 64}, 3_000, 10_000, 300_000, 4);
        }

        /**
         * The full or smoke plan, with overrides for a closer look (a profile, say):
         * {@code benchmark.senders=16}, {@code benchmark.single-senders=16,64}, {@code benchmark.seconds=20}, {@code benchmark.warmup=3} (seconds),
         * {@code benchmark.impressions=100000}.
         */
        static Plan from(boolean full, java.util.Properties p) {
            Plan plan = full ? full() : smoke();
            return new Plan(plan.name(), ints(p.getProperty("benchmark.senders"), plan.senders()),
                    ints(p.getProperty("benchmark.single-senders"), plan.singleSenders()),
                    p.getProperty("benchmark.warmup") == null ? plan.warmupMillis() : Long.parseLong(p.getProperty("benchmark.warmup")) * 1000,
                    p.getProperty("benchmark.seconds") == null ? plan.measureMillis() : Long.parseLong(p.getProperty("benchmark.seconds")) * 1000,
                    Integer.parseInt(p.getProperty("benchmark.impressions", Integer.toString(plan.impressions()))), plan.impressionSenders());
        }

        private static int[] ints(String text, int[] otherwise) {
            return text == null || text.isBlank() ? otherwise : java.util.Arrays.stream(text.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        }

        static Plan smoke() {
            return new Plan("smoke", new int[] {4}, new int[] {4}, 500, 2_000, 10_000, 2);
        }
    }

    /** One inbound load on one target. */
    record Inbound(String kind, String target, int senders, Load.Outcome outcome, long stored, boolean verified,
                   long peakHeap, long peakRss, StoreWriter writer, long writtenBytes, StoreWriter journalWriter,
                   double drainSeconds, double lagP99Millis) {
        /** Messages answered 200 per second from the start of the window until the last of them was mapped (the lag at zero). */
        double mappedPerSecond() {
            return outcome.okMessagesTotal() / (outcome.windowSeconds() + Math.max(0, drainSeconds));
        }

        /** Bytes written to disk per message answered 200 (the data, its indexes and what the store rewrites), or -1. */
        double writtenPerMessage() {
            return writtenBytes < 0 || outcome.okMessagesTotal() == 0 ? -1 : (double) writtenBytes / outcome.okMessagesTotal();
        }
    }

    /**
     * One outbound run: impressions through the service, or tracks through analytics-java.
     * {@code cpuSeconds}: what the service process used (0 for analytics-java, which runs in the
     * benchmark's own process); {@code benchCpuSeconds}: what the benchmark's process used, its
     * senders and the sink (and analytics-java) together.
     */
    record Outbound(String target, int count, double seconds, double acceptSeconds, int delivered, boolean verified,
                    long peakHeap, long peakRss, double lagP99Millis, double cpuSeconds, double benchCpuSeconds) {
        double perSecond() {
            return count / seconds;
        }
    }

    record Results(Plan plan, List<Inbound> inbound, List<Outbound> outbound, long serviceHwm, String command, String startedAt,
                   double seconds) {
    }

    private final Plan plan;
    private final Path work;
    private final List<String> serviceJvmArgs;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);

    Benchmark(Plan plan, Path work, List<String> serviceJvmArgs) {
        this.plan = plan;
        this.work = work;
        this.serviceJvmArgs = serviceJvmArgs;
    }

    Results run(String command) throws Exception {
        long began = System.nanoTime();
        String startedAt = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        Files.createDirectories(work);
        List<Inbound> inbound = new ArrayList<>();
        List<Outbound> outbound = new ArrayList<>();
        Process service = null;
        Process naive = null;
        try (SegmentSink serviceSink = new SegmentSink(); SegmentSink librarySink = new SegmentSink()) {
            Path integrations = work.resolve("integrations.yml");
            Files.writeString(integrations, integrations(serviceSink.endpoint()));
            int servicePort = Processes.freePort();
            int naivePort = Processes.freePort();
            Path data = work.resolve("data-" + runId);
            System.out.printf("%nBenchmark (%s): service and naive ceiling start on fresh data directories under %s%n", plan.name(), data);
            service = Processes.service(data.resolve("service"), servicePort, integrations, ADMIN_TOKEN,
                    work.resolve("service.log"), serviceJvmArgs);
            naive = Processes.naive(data.resolve("naive"), naivePort, work.resolve("naive.log"));
            Target svc = new Target("service", servicePort, service.pid(), "http://127.0.0.1:" + servicePort + "/actuator/prometheus");
            Target nai = new Target("naive", naivePort, naive.pid(), null);

            warmUp(nai, svc);
            header();
            // -Dbenchmark.only=batch, single or outbound: those scenarios alone, for working on one path
            String only = System.getProperty("benchmark.only", "");
            for (int senders : only.isEmpty() || only.equals("batch") ? plan.senders() : new int[0]) {
                inbound.add(inbound("batch", nai, "/v1/batch", null, senders));
                inbound.add(inbound("batch", svc, "/v1/batch", API_AUTH, senders));
            }
            for (int senders : only.isEmpty() || only.equals("single") ? plan.singleSenders() : new int[0]) {
                inbound.add(inbound("single", nai, "/webhook", null, senders));
                inbound.add(inbound("single", svc, "/api/segment/webhook/" + DESTINATION, HOOK_SECRET, senders));
            }
            if (only.isEmpty() || only.equals("outbound")) {
                int count = (plan.impressions() / IMPRESSIONS_PER_REQUEST) * IMPRESSIONS_PER_REQUEST;
                // every sender warm, as the inbound scenarios are: what is measured is not the JIT compiling their paths.
                // One warm-up as large as a round still left analytics-java's client speeding up over the next rounds,
                // so each sender gets two; -Dbenchmark.outbound-warmup=N (messages) and -rounds change that.
                int warmup = Integer.getInteger("benchmark.outbound-warmup", count);
                int warmupRounds = Integer.getInteger("benchmark.outbound-warmup-rounds", 2);
                // one round is a lottery for analytics-java (its default client stalls on some rounds, see analyticsJava):
                // several rounds, alternated, and the report takes each sender's median
                int rounds = Integer.getInteger("benchmark.outbound-rounds", 3);
                System.out.printf("warming up the outbound paths (%d × %,d messages each)%n", warmupRounds, warmup);
                for (int round = 0; round < warmupRounds; round++) {
                    // a warm-up left unfinished would still be delivering into the measured run's sink
                    if (!analyticsJava(librarySink, warmup, false).verified() || !analyticsJava(librarySink, warmup, true).verified()
                            || !impressions(svc, serviceSink, warmup).verified()) {
                        throw new IllegalStateException("the outbound warm-up did not deliver every message");
                    }
                    awaitCaughtUp(svc);
                }
                for (int round = 0; round < rounds; round++) {
                    // the readout stores the service's impressions after delivery: not while a baseline is measured
                    awaitCaughtUp(svc);
                    outbound.add(analyticsJava(librarySink, count, false));
                    outbound.add(analyticsJava(librarySink, count, true));
                    outbound.add(impressions(svc, serviceSink, count));
                }
            }
            long hwm = Processes.rss(service.pid())[1];
            return new Results(plan, inbound, outbound, hwm, command, startedAt, (System.nanoTime() - began) / 1e9);
        } finally {
            Processes.stop(service);
            Processes.stop(naive);
            Processes.deleteData(work.resolve("data-" + runId));
        }
    }

    /** A first load on each target and endpoint, not measured: the JIT compiles the hot paths before anything counts. */
    private void warmUp(Target... targets) throws Exception {
        System.out.printf("warming up (%d s)%n", plan.warmupMillis() * 4 * targets.length / 1000);
        for (Target t : targets) {
            boolean naive = t.prometheus() == null;
            Load.run(t.port(), "/v1/batch", naive ? null : API_AUTH, 4, s -> {
                SegmentTraffic traffic = new SegmentTraffic(s, runId + "wb" + t.name() + s);
                return () -> Load.Body.of(traffic.batch(BATCH_MESSAGES), BATCH_MESSAGES);
            }, 0, plan.warmupMillis() * 2, null);
            Load.run(t.port(), naive ? "/webhook" : "/api/segment/webhook/" + DESTINATION, naive ? null : HOOK_SECRET, 4, s -> {
                SegmentTraffic traffic = new SegmentTraffic(s, runId + "ws" + t.name() + s);
                return () -> Load.Body.of(traffic.single(), 1);
            }, 0, plan.warmupMillis() * 2, null);
            if (!naive) {
                awaitCaughtUp(t); // what the warm-up left behind is mapped before anything counts
            }
        }
    }

    private record Target(String name, int port, long pid, String prometheus) {
    }

    private static void header() {
        System.out.printf("%n%-8s %-8s %7s %6s %9s %11s %9s %9s %8s %8s%n", "scenario", "target", "senders", "sec", "req/s",
                "msg/s", "p50 ms", "p99 ms", "heap MB", "RSS MB");
        System.out.println("-".repeat(92));
    }

    private Inbound inbound(String kind, Target target, String path, String auth, int senders) throws Exception {
        long before = stored(target);
        long writtenBefore = Processes.writtenBytes(target.pid());
        String metricsBefore = target.prometheus() == null ? null : Processes.get(target.prometheus(), null);
        StoreWriter.Reading writerBefore = metricsBefore == null ? null : StoreWriter.Reading.of(metricsBefore);
        StoreWriter.Reading journalBefore = metricsBefore == null ? null : StoreWriter.Reading.journal(metricsBefore);
        JournalDelay delayBefore = metricsBefore == null ? null : JournalDelay.of(metricsBefore, "segment");
        Load.Outcome outcome;
        try (MemoryProbe memory = new MemoryProbe(target.pid(), target.prometheus())) {
            int messages = kind.equals("batch") ? BATCH_MESSAGES : 1;
            outcome = Load.run(target.port(), path, auth, senders, s -> {
                SegmentTraffic traffic = new SegmentTraffic(senders * 1000L + s, runId + kind.charAt(0) + senders + "x" + s);
                return () -> Load.Body.of(messages == 1 ? traffic.single() : traffic.batch(messages), messages);
            }, plan.warmupMillis(), plan.measureMillis(), p -> {
                System.out.printf("%-8s %-8s %7d %6.0f %9.0f %11.0f %9s %9s %8s %8s%n", kind, target.name(), senders, p[0],
                        p[1] / p[0], p[2] / p[0], "", "", mb(memory.heap()), mb(memory.rss()));
                return null;
            });
            // the answers are in; the consumers map what is left of the journal: how long until nothing is
            double drainSeconds = target.prometheus() == null ? 0 : awaitCaughtUp(target);
            String metricsAfter = target.prometheus() == null ? null : Processes.get(target.prometheus(), null);
            StoreWriter writer = writerBefore == null ? null : StoreWriter.between(writerBefore, StoreWriter.Reading.of(metricsAfter));
            StoreWriter journalWriter = journalBefore == null ? null
                    : StoreWriter.between(journalBefore, StoreWriter.Reading.journal(metricsAfter));
            double lagP99 = delayBefore == null ? -1 : JournalDelay.of(metricsAfter, "segment").p99MillisSince(delayBefore);
            long writtenAfter = Processes.writtenBytes(target.pid());
            long stored = stored(target) - before;
            // every message answered 200 is stored (service: counted by its stats; naive: rows)
            boolean verified = stored == outcome.okMessagesTotal() && outcome.okMessagesTotal() > 0;
            Inbound result = new Inbound(kind, target.name(), senders, outcome, stored, verified,
                    memory.peakHeap(), memory.peakRss(), writer,
                    writtenBefore < 0 || writtenAfter < 0 ? -1 : writtenAfter - writtenBefore, journalWriter, drainSeconds, lagP99);
            System.out.printf("%-8s %-8s %7d %6.0f %9.0f %11.0f %9.1f %9.1f %8s %8s%s%n", kind, target.name(), senders,
                    outcome.windowSeconds(), outcome.requestsPerSecond(), outcome.messagesPerSecond(), outcome.p50Millis(),
                    outcome.p99Millis(), target.prometheus() == null ? "-" : mb(memory.peakHeap()), mb(memory.peakRss()),
                    (verified ? "" : "  NOT VERIFIED: " + stored + " stored of " + outcome.okMessagesTotal() + " answered")
                            + (outcome.statuses().keySet().stream().anyMatch(s -> s != 200) || outcome.ioErrors() > 0
                            ? "  answers " + outcome.statuses() + " io errors " + outcome.ioErrors() : ""));
            if (writer != null) {
                System.out.printf("%-8s %-8s %7d   journal writer busy %.0f%%, %.1f requests a commit; store writer busy %.0f%%; "
                                + "caught up %.1f s after the window, %,.0f messages/s mapped; lag p99 %s ms%n",
                        kind, target.name(), senders, journalWriter.busy() * 100, journalWriter.requestsPerCommit(), writer.busy() * 100,
                        drainSeconds, result.mappedPerSecond(), lagP99 < 0 ? "-" : String.format("%.0f", lagP99));
            }
            return result;
        }
    }

    /** Waits until {@code GET /api/lag} shows no entry left to map; returns how long that took, in seconds. */
    private static double awaitCaughtUp(Target target) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(600);
        while (JSON.readTree(Processes.get("http://127.0.0.1:" + target.port() + "/api/lag", ADMIN_TOKEN)).path("entries").asLong() > 0) {
            if (System.nanoTime() > deadline) {
                return -1;
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Messages stored so far: the destination's {@code stored} figure, or the naive ceiling's row count. */
    private static long stored(Target target) throws Exception {
        String base = "http://127.0.0.1:" + target.port();
        if (target.prometheus() == null) {
            return Long.parseLong(Processes.get(base + "/count", null).trim());
        }
        return JSON.readTree(Processes.get(base + "/api/destinations/" + DESTINATION + "/stats", ADMIN_TOKEN)).path("stored").asLong();
    }

    /** Impressions posted as an FME SDK does, until all are answered 200; then until the sink has every message. */
    private Outbound impressions(Target svc, SegmentSink sink, int count) throws Exception {
        int requests = count / IMPRESSIONS_PER_REQUEST;
        AtomicInteger next = new AtomicInteger();
        AtomicLong accepted = new AtomicLong();
        AtomicLong acceptedAt = new AtomicLong();
        sink.reset();
        JournalDelay delayBefore = JournalDelay.of(Processes.get(svc.prometheus(), null), "impressions");
        long deliveredBefore = deliveredFigure(svc); // the source's count runs on from the warm-up
        double cpuBefore = Processes.cpuSeconds(svc.pid());
        Map<String, Double> threadsBefore = Processes.threadCpuSeconds(svc.pid());
        double ownCpuBefore = Processes.cpuSeconds(ProcessHandle.current().pid());
        try (MemoryProbe memory = new MemoryProbe(svc.pid(), svc.prometheus())) {
            long t0 = System.nanoTime();
            List<Thread> senders = new ArrayList<>();
            for (int s = 0; s < plan.impressionSenders(); s++) {
                SegmentTraffic traffic = new SegmentTraffic(77 + s, runId);
                Thread t = new Thread(() -> {
                    try (LoopbackClient client = new LoopbackClient(svc.port())) {
                        int r;
                        while ((r = next.getAndIncrement()) < requests) {
                            byte[] body = traffic.impressions(IMPRESSIONS_PER_REQUEST, "k-" + runId + "-" + count + "-" + r + "-")
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                            int status;
                            while ((status = client.post("/api/testImpressions/bulk", "Bearer sdk-key-bench", body)) != 200) {
                                if (status != 503 && status != 429) {
                                    throw new IllegalStateException("impressions answered " + status);
                                }
                                Thread.sleep(50);
                            }
                            accepted.addAndGet(IMPRESSIONS_PER_REQUEST);
                            acceptedAt.accumulateAndGet(System.nanoTime(), Math::max);
                        }
                    } catch (Exception e) {
                        System.out.println("impression sender failed: " + e);
                    }
                }, "impressions-" + s);
                t.setDaemon(true);
                t.start();
                senders.add(t);
            }
            long deadline = t0 + TimeUnit.SECONDS.toNanos(300);
            while (sink.distinctMessages() < count && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                double sec = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%-8s %-8s %7d %6.0f %9s %11.0f %9s %9s %8s %8s   accepted %,d delivered %,d%n", "outbound",
                        "service", plan.impressionSenders(), sec, "", sink.distinctMessages() / sec, "", "", mb(memory.heap()),
                        mb(memory.rss()), accepted.get(), sink.distinctMessages());
            }
            for (Thread t : senders) {
                t.join(10_000);
            }
            double seconds = (sink.lastNewAtNanos() - t0) / 1e9;
            double acceptSeconds = (acceptedAt.get() - t0) / 1e9;
            int delivered = sink.distinctMessages();
            long sourceDelivered = deliveredFigure(svc) - deliveredBefore;
            boolean verified = delivered == count && accepted.get() == count && sourceDelivered >= count;
            double lagP99 = JournalDelay.of(Processes.get(svc.prometheus(), null), "impressions").p99MillisSince(delayBefore);
            Outbound result = new Outbound("service", count, seconds, acceptSeconds, delivered, verified, memory.peakHeap(),
                    memory.peakRss(), lagP99, Processes.cpuSeconds(svc.pid()) - cpuBefore,
                    Processes.cpuSeconds(ProcessHandle.current().pid()) - ownCpuBefore);
            outboundLine(result);
            System.out.println("service CPU s by thread: " + Processes.busiest(threadsBefore, Processes.threadCpuSeconds(svc.pid()), 8));
            return result;
        }
    }

    private static long deliveredFigure(Target svc) throws Exception {
        // the sink has every message once the last batch is answered; the stats follow a moment later
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long delivered;
        do {
            JsonNode stats = JSON.readTree(Processes.get("http://127.0.0.1:" + svc.port() + "/api/sources/" + SOURCE + "/stats",
                    ADMIN_TOKEN));
            delivered = stats.path("delivered").asLong();
            if (stats.path("pending").asLong() == 0 && stats.path("retrying").asLong() == 0) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return delivered;
    }

    static final String ANALYTICS_JAVA = "analytics-java";
    static final String ANALYTICS_JAVA_NO_DELAY = "analytics-java, TCP_NODELAY";

    /**
     * analytics-java 3.5.4 with its defaults, sending the same number of get_treatment tracks; with {@code noDelay}, its
     * HTTP client's sockets also set TCP_NODELAY. Without it, on loopback, some rounds stall: the uploader waits on the
     * sink's answer while the end of its request sits in the kernel (Nagle's algorithm against the sink's delayed ACK),
     * and such a round takes three to four times as long with its CPU idle.
     */
    private Outbound analyticsJava(SegmentSink sink, int count, boolean noDelay) throws Exception {
        sink.reset();
        long rssBefore = Processes.rss(ProcessHandle.current().pid())[0];
        double ownCpuBefore = Processes.cpuSeconds(ProcessHandle.current().pid());
        Analytics.Builder builder = Analytics.builder("wk-bench").endpoint(sink.endpoint());
        if (noDelay) {
            builder.client(new okhttp3.OkHttpClient.Builder().socketFactory(new NoDelaySocketFactory()).build());
        }
        Analytics analytics = builder.build();
        try {
            long t0 = System.nanoTime();
            Date now = new Date();
            for (int i = 0; i < count; i++) {
                Map<String, Object> properties = new LinkedHashMap<>();
                properties.put("split", "flag_" + (i % 10));
                properties.put("treatment", i % 2 == 0 ? "on" : "off");
                properties.put("label", "default rule");
                properties.put("changeNumber", 1764000000123L);
                properties.put("environmentId", "bench");
                properties.put("environmentName", "Benchmark");
                properties.put("trafficType", "user");
                properties.put("bucketingKey", "bk-" + i);
                analytics.enqueue(TrackMessage.builder("get_treatment").userId("k-" + runId + "-" + count + "-" + i).properties(properties)
                        .timestamp(now).messageId(UUID.randomUUID().toString()));
            }
            analytics.flush();
            double acceptSeconds = (System.nanoTime() - t0) / 1e9;
            long deadline = t0 + TimeUnit.SECONDS.toNanos(300);
            while (sink.distinctMessages() < count && System.nanoTime() < deadline) {
                Thread.sleep(Math.max(1, Math.min(1000, (System.nanoTime() - t0) / 1_000_000 / 5)));
                double sec = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%-8s %-8s %7d %6.0f %9s %11.0f %9s %9s %8s %8s   delivered %,d%n", "outbound", noDelay ? "a-java-nd" : "a-java", 1, sec,
                        "", sink.distinctMessages() / sec, "", "", "", "", sink.distinctMessages());
            }
            double seconds = (sink.lastNewAtNanos() - t0) / 1e9;
            Outbound result = new Outbound(noDelay ? ANALYTICS_JAVA_NO_DELAY : ANALYTICS_JAVA, count, seconds, acceptSeconds, sink.distinctMessages(),
                    sink.distinctMessages() == count, 0, Math.max(0, Processes.rss(ProcessHandle.current().pid())[0] - rssBefore), -1,
                    0, Processes.cpuSeconds(ProcessHandle.current().pid()) - ownCpuBefore);
            outboundLine(result);
            return result;
        } finally {
            analytics.shutdown();
        }
    }

    private static void outboundLine(Outbound o) {
        System.out.printf("%-8s %-8s %7s %6.1f %9s %11.0f %9s %9s %8s %8s%s%n", "outbound",
                o.target().equals("service") ? "service" : o.target().equals(ANALYTICS_JAVA) ? "a-java" : "a-java-nd", o.target().equals("service") ? "" : "1", o.seconds(), "",
                o.perSecond(), "", "", o.target().equals("service") ? mb(o.peakHeap()) : "-",
                o.target().equals("service") ? mb(o.peakRss()) : "-",
                (o.verified() ? "" : "  NOT VERIFIED: " + o.delivered() + " of " + o.count()) + "   (" + o.count()
                        + " delivered; all accepted after " + String.format("%.1f", o.acceptSeconds()) + " s; CPU s: service "
                        + String.format("%.1f", o.cpuSeconds()) + ", benchmark " + String.format("%.1f", o.benchCpuSeconds()) + ")");
    }

    static String mb(long bytes) {
        return bytes <= 0 ? "-" : Long.toString(bytes / (1024 * 1024));
    }

    private static String integrations(String sinkEndpoint) {
        return """
                # Written by the benchmark: one environment, one destination, one source whose Segment is a local sink.
                environments:
                  - id: bench
                    name: Benchmark
                    trafficTypes: [user, account, anonymous]
                    sdkKeys: [sdk-key-bench]
                    defaultTrafficType: user
                destinations:
                  - id: %s
                    environment: bench
                    trafficType: user
                    identity: userId
                    anonymousTrafficType: anonymous
                    identify: true
                    track: true
                    eventTypeIdField: event
                    valueField: properties.revenue
                    namedPages: true
                    namedScreens: true
                    groupTrafficType: account
                    apiKey: bench-api-key
                    webhookSecret: %s
                sources:
                  - id: %s
                    environment: bench
                    writeKey: wk-bench
                    endpoint: %s
                    identities:
                      user: userId
                    batch: {maxMessages: 100, maxBytes: 460000, maxDelay: 2s}
                """.formatted(DESTINATION, HOOK_SECRET, SOURCE, sinkEndpoint);
    }
}
