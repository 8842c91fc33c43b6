package io.fmebridge.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * Issue 7's benchmark against the packaged jar. In {@code mvn -B verify} (and CI) it runs in a
 * short smoke mode that only shows the benchmark still works: it writes under
 * {@code target/benchmark/} and asserts no timings. {@code mvn -B verify -Pbenchmark} (system
 * property {@code benchmark.mode=full}) runs it in full and writes {@code docs/performance.md}
 * and {@code docs/performance.png}. {@code -Dbenchmark.only=readout} runs the readout case alone
 * and replaces its section of the page; {@code batch}, {@code single} or {@code outbound} run
 * those scenarios alone and only print their lines.
 */
class BenchmarkIT {
    static final String COMMAND = "mvn -B verify -Pbenchmark";

    @Test
    void everyScenarioRunsAndEveryAnsweredMessageIsStoredOrDelivered() throws Exception {
        boolean full = "full".equals(System.getProperty("benchmark.mode"));
        Path work = Path.of("target/benchmark");
        List<String> serviceJvmArgs = Arrays.stream(System.getProperty("benchmark.service-jvm-args", "").split("\\s+"))
                .filter(a -> !a.isBlank()).toList();
        ReadoutBenchmark.Size size = ReadoutBenchmark.Size.from(full, System.getProperties());
        String runId = Long.toString(System.currentTimeMillis(), 36);
        Path markdown = full ? Path.of("docs/performance.md") : work.resolve("performance.md");
        String only = System.getProperty("benchmark.only");
        // an unknown name would run nothing and pass
        assertThat(only).as("benchmark.only").isIn(null, "readout", "batch", "single", "outbound");
        if ("readout".equals(only)) {
            // the readout case alone: its section of the page is replaced, the rest kept
            ReadoutBenchmark.Result readout = new ReadoutBenchmark(size, work, runId, serviceJvmArgs).run();
            BenchmarkReport.replaceReadout(markdown, readout, COMMAND + " -Dbenchmark.only=readout");
            assertThat(readout.verified()).as("the readout counts every key exposed, the mixed ones apart").isTrue();
            return;
        }
        Benchmark.Results results = new Benchmark(Benchmark.Plan.from(full, System.getProperties()), work, serviceJvmArgs)
                .run(full ? COMMAND : "mvn -B verify (BenchmarkIT, smoke mode)");
        if (only != null) {
            // some scenarios alone: their lines are printed above, no page is written
            assertThat(results.inbound()).allSatisfy(run -> assertThat(run.verified()).as("%s %s at %d senders", run.kind(),
                    run.target(), run.senders()).isTrue());
            assertThat(results.outbound()).allSatisfy(run -> assertThat(run.verified())
                    .as("%s: every message acknowledged by the sink", run.target()).isTrue());
            return;
        }
        ReadoutBenchmark.Result readout = new ReadoutBenchmark(size, work, runId, serviceJvmArgs).run();

        Path changes = Path.of("src/test/resources/benchmark/changes.md");
        Path chart = full ? Path.of("docs/performance.png") : work.resolve("performance.png");
        BenchmarkReport.write(results, readout, markdown, chart, Files.exists(changes) ? Optional.of(Files.readString(changes)) : Optional.empty());
        System.out.printf("%nBenchmark written to %s and %s%n", markdown, chart);

        assertThat(readout.verified()).as("the readout counts every key exposed, the mixed ones apart").isTrue();
        assertThat(results.inbound()).allSatisfy(run -> assertThat(run.verified())
                .as("%s %s at %d senders: every message answered 200 is stored", run.kind(), run.target(), run.senders()).isTrue());
        assertThat(results.outbound()).allSatisfy(run -> assertThat(run.verified())
                .as("%s: every message acknowledged by the sink", run.target()).isTrue());
        assertThat(markdown).exists();
        assertThat(chart).exists();
    }
}
