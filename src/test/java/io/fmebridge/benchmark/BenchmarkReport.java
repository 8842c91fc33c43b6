package io.fmebridge.benchmark;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

import javax.imageio.ImageIO;

import io.fmebridge.benchmark.Benchmark.Inbound;
import io.fmebridge.benchmark.Benchmark.Outbound;
import io.fmebridge.benchmark.Benchmark.Results;

/** Writes a run's figures as markdown (tables, targets, machine, command) and a PNG chart. */
final class BenchmarkReport {
    private static final Color SERVICE = new Color(0x2f6fb0);
    private static final Color BASELINE = new Color(0xb0b0b0);

    private BenchmarkReport() {
    }

    static void write(Results r, ReadoutBenchmark.Result readout, Path markdown, Path chart, Optional<String> changes) throws IOException {
        Files.createDirectories(markdown.toAbsolutePath().getParent());
        chart(r, chart);
        Files.writeString(markdown, markdown(r, readout, chart.getFileName().toString(), changes));
    }

    private static final String READOUT = "## Experiment readout";
    private static final String READOUT_TARGET = "| experiment readout";

    /** A run of the readout case alone: its section and its row of the targets replace theirs, the rest of the page is kept. */
    static void replaceReadout(Path markdown, ReadoutBenchmark.Result readout, String command) throws IOException {
        String page = Files.exists(markdown) ? Files.readString(markdown) : "# Performance\n\n## Against the targets\n\n"
                + "| target | measured | met |\n|---|---|---|\n\n## How it is measured\n";
        StringBuilder section = new StringBuilder();
        readoutSection(section, readout, command);
        int at = page.indexOf("\n" + READOUT + "\n");
        if (at >= 0) {
            int end = page.indexOf("\n## ", at + 1);
            page = page.substring(0, at) + section + (end < 0 ? "" : page.substring(end));
        } else {
            int before = page.indexOf("\n## How it is measured");
            page = before < 0 ? page + section : page.substring(0, before) + section + page.substring(before);
        }
        StringBuilder row = new StringBuilder();
        readoutTarget(row, readout);
        int line = page.indexOf("\n" + READOUT_TARGET);
        if (line >= 0) {
            int end = page.indexOf('\n', line + 1);
            page = page.substring(0, line + 1) + row.toString().strip() + page.substring(end);
        } else {
            int table = page.indexOf("|---|---|---|\n");
            int end = page.indexOf("\n\n", table);
            if (table >= 0 && end >= 0) {
                page = page.substring(0, end + 1) + row.toString().strip() + page.substring(end);
            }
        }
        Files.writeString(markdown, page);
    }

    private static void readoutTarget(StringBuilder md, ReadoutBenchmark.Result x) {
        md.append(READOUT_TARGET).append(" of ").append(fmt("%,d", x.size().impressions())).append(" impressions and ")
                .append(fmt("%,d", x.size().events())).append(" events: seconds, not minutes (under 60 s from a cold start) | ")
                .append(fmt("%.1f", x.coldSeconds())).append(" s cold, ").append(fmt("%.1f", x.warmSeconds())).append(" s warm (")
                .append(fmt("%.1f", x.perScan())).append(" × one scan of its rows); heap ").append(Benchmark.mb(x.peakHeap()))
                .append(" MB at most | ").append(x.coldSeconds() < 60 && x.verified() ? "yes" : "**no**").append(" |\n");
    }

    private static void readoutSection(StringBuilder md, ReadoutBenchmark.Result x, String command) {
        md.append("\n").append(READOUT).append("\n\n")
                .append("Written by `").append(command).append("`. The readout (`GET ").append(x.request())
                .append("`, three metrics: a conversion, a sum and a count) of one flag over ").append(fmt("%,d", x.size().keys()))
                .append(" keys, ").append(fmt("%,d", x.size().impressions())).append(" impressions and ")
                .append(fmt("%,d", x.size().events())).append(" events, loaded into a fresh store by batched JDBC in ")
                .append(fmt("%.0f", x.loadSeconds())).append(" s (`ReadoutBenchmark`). *Cold*: the first call after the service ")
                .append("starts (its database cache empty, the file in the operating system's cache). *Warm*: the median of the ")
                .append("three calls after it, each with the end of the range 1 ms later (H2 answers a query repeated as it was ")
                .append("from its cached result). *One scan*: the baseline, in the same run on the same file, by JDBC with the ")
                .append("service stopped, the second of two runs: a count of the flag's impressions and a count and sum of the ")
                .append("metrics' events, no join and no grouping by key, the least any readout must read. Heap: peak of `jvm_memory_used_bytes{area=\"heap\"}` ")
                .append("sampled every 0.5 s during the calls (`-Xmx512m`).\n\n")
                .append("| cold | warm | one scan | warm / one scan | peak heap MB | peak RSS MB | keys counted | mixed keys | conversion p-value | verified |\n")
                .append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
                .append("| ").append(fmt("%.2f s", x.coldSeconds())).append(" | ").append(fmt("%.2f s", x.warmSeconds())).append(" | ")
                .append(fmt("%.2f s", x.scanSeconds())).append(" | ").append(fmt("%.1f", x.perScan())).append(" | ")
                .append(Benchmark.mb(x.peakHeap())).append(" | ").append(Benchmark.mb(x.peakRss())).append(" | ")
                .append(fmt("%,d", x.exposedKeys())).append(" | ").append(fmt("%,d", x.mixedKeys())).append(" | ")
                .append(fmt("%.2g", x.conversionPValue())).append(" | ").append(x.verified() ? "yes" : "NO").append(" |\n\n")
                .append("*Verified*: the keys counted and the mixed keys add up to the keys loaded, and the mixed keys are the ")
                .append("one in 200 loaded with a second treatment. Treatment `on` was loaded with a purchase rate per event of 6% ")
                .append("against 5% for `off`, so the conversion's p-value should be small.\n");
    }

    static String markdown(Results r, ReadoutBenchmark.Result readout, String chartName, Optional<String> changes) {
        StringBuilder md = new StringBuilder();
        md.append("# Performance\n\n")
                .append("Throughput, latency and memory of the packaged service, measured side by side with baselines run in ")
                .append("the same run on the same machine, so that the ratios hold even when the machine is noisy. ")
                .append("The load generator runs on the same machine, over loopback.\n\n")
                .append("Written by `").append(r.command()).append("` (").append(r.plan().name()).append(" mode), started ")
                .append(r.startedAt()).append(", ").append(fmt("%.0f", r.seconds())).append(" s in all.\n\n")
                .append("Machine: ").append(machine()).append("\n\n")
                .append("![throughput of the service and of the baselines](").append(chartName).append(")\n\n");

        md.append("## Against the targets\n\n| target | measured | met |\n|---|---|---|\n");
        List<Inbound> batch = of(r, "batch", "service");
        Inbound bestBatch = batch.stream().max((a, b) -> Double.compare(a.outcome().messagesPerSecond(), b.outcome().messagesPerSecond()))
                .orElseThrow();
        Inbound bestNaive = of(r, "batch", "naive").stream().max((a, b) -> Double.compare(a.outcome().messagesPerSecond(),
                b.outcome().messagesPerSecond())).orElseThrow();
        Inbound batch16 = at16(of(r, "batch", "service"));
        double batchRatio = batch16.outcome().messagesPerSecond() / naive(r, "batch", batch16.senders()).outcome().messagesPerSecond();
        target(md, "inbound batch, 16 senders: at least 1.5 × the naive ceiling's messages/s, every message answered 200 found "
                + "stored once the lag is zero", fmt("%.2f", batchRatio) + " × (" + fmt("%,.0f", batch16.outcome().messagesPerSecond())
                + " against " + fmt("%,.0f", naive(r, "batch", batch16.senders()).outcome().messagesPerSecond()) + " messages/s, "
                + batch16.senders() + " senders); " + (batch16.verified() ? "all stored" : "NOT all stored"),
                batchRatio >= 1.5 && batch16.verified());
        target(md, "inbound batch: at least 20,000 messages/s stored durably", fmt("%,.0f", bestBatch.outcome().messagesPerSecond())
                + " messages/s (" + bestBatch.senders() + " senders)", bestBatch.outcome().messagesPerSecond() >= 20_000 && bestBatch.verified());
        double worstRatio = Double.MAX_VALUE;
        StringBuilder ratios = new StringBuilder();
        for (Inbound s : batch) {
            double ratio = s.outcome().messagesPerSecond() / naive(r, "batch", s.senders()).outcome().messagesPerSecond();
            worstRatio = Math.min(worstRatio, ratio);
            ratios.append(ratios.length() == 0 ? "" : ", ").append(fmt("%.2f", ratio)).append(" at ").append(s.senders());
        }
        target(md, "inbound batch: at least 1.0 of the naive ceiling, same senders", ratios
                + " senders; best against best " + fmt("%.2f", bestBatch.outcome().messagesPerSecond() / bestNaive.outcome().messagesPerSecond()),
                worstRatio >= 1.0);
        Inbound single16 = at16(of(r, "single", "service"));
        double singleRatio = single16.outcome().requestsPerSecond() / naive(r, "single", single16.senders()).outcome().requestsPerSecond();
        target(md, "single-message webhook, 16 senders: at least 1.5 × the naive ceiling's requests/s", fmt("%.2f", singleRatio)
                + " × (" + fmt("%,.0f", single16.outcome().requestsPerSecond()) + " against "
                + fmt("%,.0f", naive(r, "single", single16.senders()).outcome().requestsPerSecond()) + " requests/s, "
                + single16.senders() + " senders); " + (single16.verified() ? "all stored" : "NOT all stored"),
                singleRatio >= 1.5 && single16.verified());
        target(md, "single-message webhook: at least 3,000 requests/s at 16 senders", fmt("%,.0f", single16.outcome().requestsPerSecond())
                + " requests/s (" + single16.senders() + " senders)", single16.outcome().requestsPerSecond() >= 3_000);
        target(md, "single-message webhook: p99 at most 25 ms at 16 senders", fmt("%.1f", single16.outcome().p99Millis()) + " ms",
                single16.outcome().p99Millis() <= 25);
        Outbound out = outbound(r, "service");
        Outbound lib = strongerBaseline(r);
        target(md, "outbound: at least 3 × analytics-java's tracks/s, accepted to acknowledged", fmt("%.2f", out.perSecond() / lib.perSecond())
                + " × analytics-java at its best (" + fmt("%,.0f", out.perSecond()) + " against " + fmt("%,.0f", lib.perSecond())
                + "/s, " + lib.target() + "; medians of " + rounds(r, "service") + " rounds); "
                + fmt("%.2f", out.perSecond() / outbound(r, Benchmark.ANALYTICS_JAVA).perSecond()) + " × its defaults ("
                + fmt("%,.0f", outbound(r, Benchmark.ANALYTICS_JAVA).perSecond()) + "/s)",
                out.perSecond() >= 3 * lib.perSecond() && out.verified());
        target(md, "outbound: at least 50,000 impressions/s", fmt("%,.0f", out.perSecond()) + " impressions/s", out.perSecond() >= 50_000
                && out.verified());
        StringBuilder lags = new StringBuilder();
        for (Inbound i : r.inbound()) {
            if (i.target().equals("service")) {
                lags.append(lags.length() == 0 ? "" : ", ").append(i.kind()).append(' ').append(i.senders()).append(": ")
                        .append(lagText(i.lagP99Millis()));
            }
        }
        lags.append(", outbound: ").append(lagText(out.lagP99Millis()));
        target(md, "the time from a 200 to the data being queryable (lag p99), reported per scenario", lags.toString(), true);
        long peakHeap = r.inbound().stream().filter(i -> i.target().equals("service")).mapToLong(Inbound::peakHeap).max().orElse(0);
        peakHeap = Math.max(peakHeap, out.peakHeap());
        target(md, "heap under 512 MB (the service runs with -Xmx512m)", Benchmark.mb(peakHeap) + " MB at most", peakHeap < 512L << 20);
        readoutTarget(md, readout);

        md.append("\n## Inbound batch: `POST /v1/batch`, 100 messages (about 70 KB) a request\n\n")
                .append("Messages/s answered 200, each on disk when answered (in the service's journal; in the naive ceiling's ")
                .append("table). Every message answered 200 was found stored afterwards (the destination's `stored` figure, read ")
                .append("once `GET /api/lag` showed no entry left; rows for the naive ceiling). *Caught up after*: from the end of ")
                .append("the measured window until the lag was zero. *Messages/s mapped*: the messages answered 200 over the window ")
                .append("and that time, the rate sustained end to end. *Lag p99*: of `fme_journal_delay_seconds` (the upper bound of ")
                .append("its bucket), from a request's arrival to its data being queryable, over the entries mapped in the scenario.\n\n");
        inboundTable(md, r, "batch", "messages/s", i -> i.outcome().messagesPerSecond());
        md.append("\n## Inbound single: `POST /api/segment/webhook/{id}`, one message a request\n\n");
        inboundTable(md, r, "single", "requests/s", i -> i.outcome().requestsPerSecond());

        md.append("\n## Outbound: impressions in, `get_treatment` batches out\n\n")
                .append("The service: ").append(fmt("%,d", out.count())).append(" impressions posted by ")
                .append(r.plan().impressionSenders()).append(" senders to `/api/testImpressions/bulk`, ")
                .append(Benchmark.IMPRESSIONS_PER_REQUEST).append(" a request (FME SDK bulk format), through the source's batches ")
                .append("(`maxMessages: 100`, `maxDelay: 2s`) to a local Segment sink. Time from the first request sent to the ")
                .append("last new message acknowledged by the sink. analytics-java 3.5.4 sends the same number of ")
                .append("`get_treatment` tracks to a sink of its own: time from the first `enqueue` to the last message acknowledged; ")
                .append("once with its defaults, once with TCP_NODELAY on its HTTP client's sockets (without it, on loopback, some ")
                .append("rounds stall on Nagle's algorithm against the sink's delayed ACK and take three to four times as long with ")
                .append("the CPU idle). The target is judged against the faster of the two. Each sender is warmed up first with two ")
                .append("rounds, then the three run in turn for several rounds, the service's readout having stored ")
                .append("the impressions of the round before; the figures are each sender's median round. CPU: what the ")
                .append("machine's processes used per 1,000 messages (from `/proc/<pid>/stat`), the sender and its sink included; ")
                .append("analytics-java and the sinks run in the benchmark's process.\n\n")
                .append("| sender | median messages/s | × analytics-java at its best | rounds (messages/s) |\n|---|---:|---:|---|\n");
        for (String target : List.of("service", Benchmark.ANALYTICS_JAVA_NO_DELAY, Benchmark.ANALYTICS_JAVA)) {
            Outbound median = outbound(r, target);
            md.append("| ").append(label(target)).append(" | ").append(fmt("%,.0f", median.perSecond())).append(" | ")
                    .append(fmt("%.2f", median.perSecond() / lib.perSecond())).append(" | ")
                    .append(String.join(", ", r.outbound().stream().filter(o -> o.target().equals(target))
                            .map(o -> fmt("%,.0f", o.perSecond())).toList())).append(" |\n");
        }
        md.append("\n| round | sender | messages | all accepted after | all acknowledged after | messages/s | CPU s per 1,000 | verified |\n")
                .append("|---:|---|---:|---:|---:|---:|---:|---|\n");
        int round = 0;
        for (Outbound o : r.outbound()) {
            round += o.target().equals(Benchmark.ANALYTICS_JAVA) ? 1 : 0;
            md.append("| ").append(round).append(" | ").append(label(o.target())).append(" | ").append(fmt("%,d", o.count()))
                    .append(" | ").append(fmt("%.1f s", o.acceptSeconds())).append(" | ").append(fmt("%.1f s", o.seconds()))
                    .append(" | ").append(fmt("%,.0f", o.perSecond())).append(" | ")
                    .append(o.benchCpuSeconds() <= 0 || o.cpuSeconds() < 0 ? "-" : fmt("%.3f", (o.cpuSeconds() + o.benchCpuSeconds()) * 1000 / o.count()))
                    .append(" | ").append(o.verified() ? "yes" : "NO: " + o.delivered() + " delivered").append(" |\n");
        }

        writerTable(md, r);

        md.append("\n## Memory of the service\n\n")
                .append("Peak heap in use (`jvm_memory_used_bytes{area=\"heap\"}` from `/actuator/prometheus`, every 0.5 s) and ")
                .append("peak resident set (`VmRSS` from `/proc/<pid>/status`, every 0.25 s) while each scenario ran; the ")
                .append("service runs with `-Xmx512m`. High-water mark of the resident set over the whole run (`VmHWM`): ")
                .append(Benchmark.mb(r.serviceHwm())).append(" MB.\n\n")
                .append("| scenario | senders | peak heap MB | peak RSS MB |\n|---|---:|---:|---:|\n");
        for (Inbound i : r.inbound()) {
            if (i.target().equals("service")) {
                md.append("| inbound ").append(i.kind()).append(" | ").append(i.senders()).append(" | ").append(Benchmark.mb(i.peakHeap()))
                        .append(" | ").append(Benchmark.mb(i.peakRss())).append(" |\n");
            }
        }
        md.append("| outbound | ").append(r.plan().impressionSenders()).append(" | ").append(Benchmark.mb(out.peakHeap())).append(" | ")
                .append(Benchmark.mb(out.peakRss())).append(" |\n");

        readoutSection(md, readout, r.command());

        md.append("\n## How it is measured\n\n")
                .append("- The packaged jar (`target/fme-segment-bridge-*.jar`) runs as its own process with `-Xmx512m` on a fresh ")
                .append("data directory, with its default settings (`fme.queue: journal`, `fsync: true`: every answer 200 waits for the journal's file to be forced to disk).\n")
                .append("- The naive ceiling (`src/test/java/io/fmebridge/benchmark/NaiveCeiling.java`) runs as its own process with ")
                .append("`-Xmx512m`: the JDK's HTTP server with 64 worker threads, Jackson, and per request one H2 transaction ")
                .append("that batch-inserts one raw row per message into a fresh H2 file, then `CHECKPOINT SYNC` before the answer. ")
                .append("No credentials, no mapping, no duplicate check.\n")
                .append("- Both get the same bodies: realistic Segment messages of about 700 bytes (70% track, 15% identify, 10% page, ")
                .append("5% group; every `messageId` new), generated by `SegmentTraffic`.\n")
                .append("- Each sender is a thread with one keep-alive connection that posts, waits for the answer and posts again ")
                .append("(closed loop). ").append(r.plan().warmupMillis() / 1000.0).append(" s of warm-up, then ")
                .append(r.plan().measureMillis() / 1000.0).append(" s measured; the naive ceiling and the service take turns at ")
                .append("each number of senders. p50 and p99 are of the answers received in the measured window.\n")
                .append("- The Segment sinks are the JDK's HTTP server answering 200 and counting distinct `messageId`s.\n")
                .append("- Sources: `src/test/java/io/fmebridge/benchmark/`. In `mvn -B verify` (and CI) the same code runs in a short ")
                .append("smoke mode (`BenchmarkIT`), which writes under `target/benchmark/` only and asserts no timings.\n");
        changes.ifPresent(text -> md.append('\n').append(text.strip()).append('\n'));
        return md.toString();
    }

    /** The store's writer in each inbound scenario of the service: how busy, how large its groups, where its time went. */
    private static void writerTable(StringBuilder md, Results r) {
        md.append("\n## The journal's writer and the store's writer\n\n")
                .append("Every answer 200 waits for one thread, the journal's writer: it appends the requests waiting at that moment ")
                .append("(one record each) at the end of the journal's file, forces the file to disk (`fdatasync`: the flush column), and only ")
                .append("then are they answered (group commit). Behind it the consumers map the entries and hand their writes to a ")
                .append("second thread, the store's writer, which commits them with the consumers' positions. From ")
                .append("`fme_journal_commit_*` and `fme_store_commit_*` in `/actuator/prometheus`, read before and after each ")
                .append("scenario (from its warm-up to the lag at zero). A writer busy nearly all the time is what limits its side.\n\n");
        writerRows(md, r, "journal", Inbound::journalWriter);
        md.append('\n');
        writerRows(md, r, "store", Inbound::writer);
        md.append("\nBytes written to disk per message answered 200 (`write_bytes` of `/proc/<pid>/io`, read before and after each ")
                .append("scenario, its catching up included): the naive ceiling appends one row; the service appends a journal ")
                .append("row per request, then writes an event row with its indexes, a `seen_message` row keyed by a random ")
                .append("messageId, identity, attribute and counter rows, and a flush writes every page they changed.\n\n")
                .append("| scenario | senders | service KB a message | naive KB a message | service / naive |\n|---|---:|---:|---:|---:|\n");
        for (Inbound i : r.inbound()) {
            if (!i.target().equals("service") || i.writtenPerMessage() < 0) {
                continue;
            }
            Inbound n = naive(r, i.kind(), i.senders());
            md.append("| inbound ").append(i.kind()).append(" | ").append(i.senders()).append(" | ")
                    .append(fmt("%.1f", i.writtenPerMessage() / 1024)).append(" | ")
                    .append(n.writtenPerMessage() < 0 ? "-" : fmt("%.1f", n.writtenPerMessage() / 1024)).append(" | ")
                    .append(n.writtenPerMessage() <= 0 ? "-" : fmt("%.1f", i.writtenPerMessage() / n.writtenPerMessage())).append(" |\n");
        }
    }

    private static void writerRows(StringBuilder md, Results r, String name, java.util.function.Function<Inbound, StoreWriter> writerOf) {
        md.append("| ").append(name).append("'s writer: scenario | senders | busy | commits/s | requests a commit | messages a commit ")
                .append("| write ms a commit | flush ms a commit | write µs a message |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Inbound i : r.inbound()) {
            StoreWriter w = writerOf.apply(i);
            if (w == null || w.commits() == 0) {
                continue;
            }
            int perRequest = i.kind().equals("batch") ? Benchmark.BATCH_MESSAGES : 1;
            md.append("| inbound ").append(i.kind()).append(" | ").append(i.senders()).append(" | ")
                    .append(fmt("%.0f%%", w.busy() * 100)).append(" | ").append(fmt("%,.0f", w.commits() / w.elapsedSeconds()))
                    .append(" | ").append(fmt("%.1f", w.requestsPerCommit())).append(" | ")
                    .append(fmt("%,.0f", w.requestsPerCommit() * perRequest)).append(" | ")
                    .append(fmt("%.1f", w.writeMillisPerCommit())).append(" | ").append(fmt("%.1f", w.flushMillisPerCommit()))
                    .append(" | ").append(fmt("%.0f", w.writeSeconds() * 1e6 / (w.requests() * perRequest))).append(" |\n");
        }
    }

    private static void inboundTable(StringBuilder md, Results r, String kind, String unit, ToDoubleFunction<Inbound> rate) {
        md.append("| senders | service ").append(unit).append(" | p50 ms | p99 ms | naive ").append(unit)
                .append(" | p50 ms | p99 ms | service / naive | verified | caught up after | messages/s mapped | lag p99 |\n")
                .append("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
        for (Inbound s : of(r, kind, "service")) {
            Inbound n = naive(r, kind, s.senders());
            md.append("| ").append(s.senders()).append(" | ").append(fmt("%,.0f", rate.applyAsDouble(s))).append(" | ")
                    .append(fmt("%.1f", s.outcome().p50Millis())).append(" | ").append(fmt("%.1f", s.outcome().p99Millis())).append(" | ")
                    .append(fmt("%,.0f", rate.applyAsDouble(n))).append(" | ").append(fmt("%.1f", n.outcome().p50Millis())).append(" | ")
                    .append(fmt("%.1f", n.outcome().p99Millis())).append(" | **")
                    .append(fmt("%.2f", rate.applyAsDouble(s) / rate.applyAsDouble(n))).append("** | ")
                    .append(s.verified() && n.verified() ? "yes" : "NO").append(" | ")
                    .append(s.drainSeconds() < 0 ? "not within 600 s" : fmt("%.1f s", s.drainSeconds())).append(" | ")
                    .append(fmt("%,.0f", s.mappedPerSecond())).append(" | ").append(lagText(s.lagP99Millis())).append(" |\n");
        }
    }

    /** The scenario at 16 senders, or else the widest. */
    private static Inbound at16(List<Inbound> scenarios) {
        return scenarios.stream().filter(i -> i.senders() == 16).findFirst().orElse(scenarios.get(scenarios.size() - 1));
    }

    private static String lagText(double millis) {
        return millis < 0 ? "-" : Double.isInfinite(millis) ? "over the histogram's range" : "≤ " + fmt("%,.0f", millis) + " ms";
    }

    private static void target(StringBuilder md, String target, String measured, boolean met) {
        md.append("| ").append(target).append(" | ").append(measured).append(" | ").append(met ? "yes" : "**no**").append(" |\n");
    }

    private static List<Inbound> of(Results r, String kind, String target) {
        return r.inbound().stream().filter(i -> i.kind().equals(kind) && i.target().equals(target)).toList();
    }

    private static Inbound naive(Results r, String kind, int senders) {
        return of(r, kind, "naive").stream().filter(i -> i.senders() == senders).findFirst().orElseThrow();
    }

    /** The median round of one sender (the slower middle one when the count is even). */
    private static Outbound outbound(Results r, String target) {
        List<Outbound> runs = r.outbound().stream().filter(o -> o.target().equals(target))
                .sorted(java.util.Comparator.comparingDouble(Outbound::perSecond)).toList();
        return runs.get((runs.size() - 1) / 2);
    }

    private static long rounds(Results r, String target) {
        return r.outbound().stream().filter(o -> o.target().equals(target)).count();
    }

    /** analytics-java's faster median: the baseline the target is judged against. */
    private static Outbound strongerBaseline(Results r) {
        Outbound defaults = outbound(r, Benchmark.ANALYTICS_JAVA);
        Outbound noDelay = outbound(r, Benchmark.ANALYTICS_JAVA_NO_DELAY);
        return noDelay.perSecond() > defaults.perSecond() ? noDelay : defaults;
    }

    private static String label(String target) {
        return switch (target) {
            case "service" -> "the service (impressions/s)";
            case Benchmark.ANALYTICS_JAVA -> "analytics-java 3.5.4, defaults (tracks/s)";
            default -> "analytics-java 3.5.4, TCP_NODELAY (tracks/s)";
        };
    }

    static String machine() {
        String cpu = "unknown CPU";
        long memKb = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // not Linux: the rest still says enough
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + (memKb / 1024 / 1024) + " GB RAM, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
                + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")";
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    // ---- chart ----

    static void chart(Results r, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int width = 1500;
        int height = 560;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);

        List<String> labels = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (Inbound s : of(r, "batch", "service")) {
            labels.add(s.senders() + "");
            values.add(new double[] {s.outcome().messagesPerSecond(), naive(r, "batch", s.senders()).outcome().messagesPerSecond()});
        }
        panel(g, 20, "Inbound batch: messages/s stored", "senders", labels, values, new String[] {"service", "naive ceiling"}, 20_000);
        labels = new ArrayList<>();
        values = new ArrayList<>();
        for (Inbound s : of(r, "single", "service")) {
            labels.add(s.senders() + "");
            values.add(new double[] {s.outcome().requestsPerSecond(), naive(r, "single", s.senders()).outcome().requestsPerSecond()});
        }
        panel(g, 520, "Inbound single (webhook): requests/s", "senders", labels, values, new String[] {"service", "naive ceiling"},
                3_000);
        Outbound out = outbound(r, "service");
        panel(g, 1020, "Outbound: get_treatment messages/s (medians)", "", List.of("delivered to the sink"),
                List.of(new double[] {out.perSecond(), outbound(r, Benchmark.ANALYTICS_JAVA_NO_DELAY).perSecond(),
                        outbound(r, Benchmark.ANALYTICS_JAVA).perSecond()}),
                new String[] {"service", "analytics-java, TCP_NODELAY", "analytics-java, defaults"}, 50_000);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("FME Segment Bridge, " + r.plan().name() + " run of " + r.startedAt() + " on " + Runtime.getRuntime().availableProcessors()
                + " cores; dashed line: target", 20, height - 10);
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int x0, String title, String axis, List<String> labels, List<double[]> values,
                              String[] series, double target) {
        int w = 460;
        int top = 60;
        int bottom = 470;
        int left = x0 + 60;
        double max = target;
        for (double[] v : values) {
            for (double d : v) {
                max = Math.max(max, d);
            }
        }
        max = niceCeiling(max * 1.1);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(title, x0, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i <= 5; i++) {
            double v = max * i / 5;
            int y = bottom - (int) ((bottom - top) * (v / max));
            g.setColor(new Color(0xeeeeee));
            g.drawLine(left, y, x0 + w, y);
            g.setColor(Color.GRAY);
            String text = v >= 1000 ? fmt("%,.0fk", v / 1000) : fmt("%.0f", v);
            g.drawString(text, left - 8 - g.getFontMetrics().stringWidth(text), y + 4);
        }
        int groups = labels.size();
        int groupWidth = (x0 + w - left) / Math.max(1, groups);
        int barWidth = Math.min(60, (groupWidth - 20) / series.length);
        for (int gi = 0; gi < groups; gi++) {
            int gx = left + gi * groupWidth + (groupWidth - barWidth * series.length) / 2;
            for (int si = 0; si < series.length; si++) {
                double v = values.get(gi)[si];
                int h = (int) ((bottom - top) * (v / max));
                g.setColor(si == 0 ? SERVICE : BASELINE);
                g.fillRect(gx + si * barWidth, bottom - h, barWidth - 4, h);
                g.setColor(Color.BLACK);
                String text = v >= 10_000 ? fmt("%.0fk", v / 1000) : fmt("%,.0f", v);
                g.drawString(text, gx + si * barWidth + (barWidth - 4 - g.getFontMetrics().stringWidth(text)) / 2, bottom - h - 4);
            }
            g.setColor(Color.DARK_GRAY);
            String label = labels.get(gi);
            g.drawString(label, left + gi * groupWidth + (groupWidth - g.getFontMetrics().stringWidth(label)) / 2, bottom + 16);
        }
        g.drawString(axis, left + (x0 + w - left - g.getFontMetrics().stringWidth(axis)) / 2, bottom + 32);
        int ty = bottom - (int) ((bottom - top) * (target / max));
        g.setColor(new Color(0xc0392b));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        g.drawLine(left, ty, x0 + w, ty);
        g.setStroke(new BasicStroke(1));
        g.setColor(Color.BLACK);
        g.drawLine(left, top, left, bottom);
        g.drawLine(left, bottom, x0 + w, bottom);
        for (int si = 0; si < series.length; si++) {
            g.setColor(si == 0 ? SERVICE : BASELINE);
            g.fillRect(x0 + 70 + si * 180, 40, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(series[si], x0 + 88 + si * 180, 51);
        }
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
