package io.fmebridge.benchmark;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The processes a benchmark run starts: the packaged service, and the naive ceiling. */
final class Processes {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Processes() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Path jar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("fme-segment-bridge-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no packaged jar in target/: run mvn package"));
        }
    }

    /** The packaged jar with a 512 MB heap on a fresh data directory; returns once it is healthy. */
    static Process service(Path dataDir, int port, Path integrations, String adminToken, Path log, List<String> extraJvm)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m"));
        command.addAll(io.fmebridge.queue.MappingThreadPriority.JVM_FLAGS); // as bin/start.sh and mvn spring-boot:run start it
        command.addAll(extraJvm);
        command.addAll(List.of("-jar", jar().toString(), "--server.port=" + port, "--fme.data-dir=" + dataDir,
                "--fme.integrations-file=" + integrations, "--fme.admin-token=" + adminToken));
        return started(command, log, "http://127.0.0.1:" + port + "/actuator/health");
    }

    /** {@link NaiveCeiling} in its own JVM, with the same heap as the service. */
    static Process naive(Path dataDir, int port, Path log) throws Exception {
        // TCP_NODELAY, as Tomcat has it: without it every answer waits ~40 ms for a delayed ACK (Nagle)
        List<String> command = List.of(java(), "-Xmx512m", "-Dsun.net.httpserver.nodelay=true", "-cp", System.getProperty("java.class.path"),
                NaiveCeiling.class.getName(), Integer.toString(port), dataDir.toString());
        return started(command, log, "http://127.0.0.1:" + port + "/count");
    }

    private static Process started(List<String> command, Path log, String readyUrl) throws Exception {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("process exited at start; see " + log);
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(readyUrl)).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return process;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException("not ready within 120 s; see " + log);
    }

    static String get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode());
        }
        return response.body();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void stop(Process process) throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Deletes a run's data directory: each run writes gigabytes, and runs would fill the disk. */
    static void deleteData(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Resident set (VmRSS) and its high-water mark (VmHWM) of a process, in bytes, from /proc. */
    static long[] rss(long pid) {
        try {
            long rss = 0;
            long hwm = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kb(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kb(line);
                }
            }
            return new long[] {rss, hwm};
        } catch (IOException e) {
            return new long[] {0, 0};
        }
    }

    /** Bytes the process has caused to be written to storage ({@code write_bytes} of /proc/<pid>/io), or -1. */
    static long writtenBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
                if (line.startsWith("write_bytes:")) {
                    return Long.parseLong(line.substring("write_bytes:".length()).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not readable here: the figure is left out
        }
        return -1;
    }

    /** CPU time the process has used (user and system), in seconds, or -1 where /proc can't tell. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks (USER_HZ 100)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU seconds per thread name, digits folded ("http-nio-N-exec-N"), from /proc/<pid>/task; empty where /proc can't tell. */
    static Map<String, Double> threadCpuSeconds(long pid) {
        Map<String, Double> byName = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    byName.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return byName;
    }

    /** The threads that used most CPU between two readings, as "name 1.2, ...". Ended threads are not counted. */
    static String busiest(Map<String, Double> before, Map<String, Double> after, int top) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() > 0.005)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top)
                .map(e -> String.format("%s %.1f", e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    }
}
