package io.fmebridge.store;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The packaged service ({@code target/*.jar}, built by {@code mvn package}) run as a process of its own. */
public final class PackagedService {
    private PackagedService() {
    }

    public static Path jar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("fme-segment-bridge-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no packaged jar in target/: run mvn verify"));
        }
    }

    public static Process start(Path dataDir, int port, String integrationsFile, String adminToken, String name, String... jvmAndArgs)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        List<String> appArgs = new ArrayList<>();
        for (String a : jvmAndArgs) {
            (a.startsWith("-X") || a.startsWith("-D") ? command : appArgs).add(a);
        }
        if (command.stream().noneMatch(a -> a.startsWith("-Xmx"))) {
            command.add("-Xmx512m");
        }
        command.addAll(io.fmebridge.queue.MappingThreadPriority.JVM_FLAGS); // as bin/start.sh starts it
        command.addAll(List.of("-jar", jar().toString(), "--server.port=" + port, "--fme.data-dir=" + dataDir,
                "--fme.integrations-file=" + integrationsFile, "--fme.admin-token=" + adminToken));
        command.addAll(appArgs);
        File log = new File("target/" + name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("service exited at start; see " + log);
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/actuator/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return process;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new AssertionError("service did not start within 90 s; see " + log);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The journal's lag at this moment, from {@code GET /api/lag}: entries answered 200 and not yet mapped. */
    public static long lagEntries(int port, String adminToken) throws Exception {
        HttpResponse<String> lag = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/lag")).header("Authorization", "Bearer " + adminToken)
                .timeout(java.time.Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (lag.statusCode() != 200) {
            throw new AssertionError("GET /api/lag answered " + lag.statusCode() + ": " + lag.body());
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(lag.body()).path("entries").asLong();
    }

    /** Waits until every request answered so far is mapped (the lag is zero), for at most {@code seconds}. */
    public static void awaitCaughtUp(int port, String adminToken, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long left;
        while ((left = lagEntries(port, adminToken)) > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + left + " journal entries to map after " + seconds + " s");
            }
            Thread.sleep(20);
        }
    }
}
