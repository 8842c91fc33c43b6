package io.fmebridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Contract 3.3: "a crash after this answer loses none of it". The packaged service runs as its
 * own process; it is killed with SIGKILL while batches are arriving, started again on the same
 * data directory, and every batch that got a 200 must be stored, exactly once. Sending again what
 * got no answer must store nothing twice.
 */
class CrashDurabilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "crash-test-token";
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("web-api-key-1:".getBytes());
    private static final int SENDERS = 8;
    private static final int MESSAGES_PER_BATCH = 50;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void everyAnsweredMessageSurvivesSigkillExactlyOnce() throws Exception {
        killWhileSendingThenResend("first", false);
    }

    /**
     * The kill lands while the journal's consumers are behind: answered requests that were not yet
     * mapped must be mapped after the restart, those already mapped not again. One entry per
     * consumer transaction makes the mapping slower than the intake, so a backlog builds.
     */
    @Test
    void theKillLandsWhileTheConsumersAreBehind() throws Exception {
        killWhileSendingThenResend("behind", true, "--fme.journal.poll-entries=1");
    }

    private void killWhileSendingThenResend(String name, boolean behind, String... args) throws Exception {
        Path dataDir = Path.of("target/test-data/crash-" + UUID.randomUUID());
        int port = freePort();
        Map<String, String> batches = new ConcurrentHashMap<>(); // key -> body
        Set<String> answered = ConcurrentHashMap.newKeySet();

        Process service = start(dataDir, port, name + "-1", args);
        long lagAtKill;
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        try {
            for (int s = 0; s < SENDERS; s++) {
                senders.submit(() -> {
                    while (sending.get()) {
                        String key = "crash-" + UUID.randomUUID();
                        String body = batch(key);
                        batches.put(key, body);
                        try {
                            if (send(port, body) == 200) {
                                answered.add(key);
                            }
                        } catch (IOException | InterruptedException e) {
                            return; // the service is gone
                        }
                    }
                });
            }
            // thousands of messages answered, then the kill at a random moment
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (answered.size() * MESSAGES_PER_BATCH < 2000 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(700));
            lagAtKill = PackagedService.lagEntries(port, TOKEN);
            service.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
            service.waitFor(10, TimeUnit.SECONDS);
        } finally {
            sending.set(false);
            senders.shutdown();
            senders.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertThat(answered).as("batches answered 200 before the kill").isNotEmpty();
        System.out.printf("Crash test (%s): %d of %d batches (%d messages) answered 200 before SIGKILL, %d journal entries "
                + "not yet mapped just before it%n", name, answered.size(), batches.size(), answered.size() * MESSAGES_PER_BATCH,
                lagAtKill);
        if (behind) {
            assertThat(lagAtKill).as("journal entries answered but not yet mapped when the kill came").isPositive();
        }

        service = start(dataDir, port, name + "-2", args);
        try {
            PackagedService.awaitCaughtUp(port, TOKEN, 120);
            for (String key : answered) {
                assertThat(storedMessageIds(port, key)).as("batch " + key).hasSize(MESSAGES_PER_BATCH);
            }
            // Segment sends again whatever got no answer, and may send answered ones again too.
            for (Map.Entry<String, String> b : batches.entrySet()) {
                assertThat(send(port, b.getValue())).isEqualTo(200);
            }
            PackagedService.awaitCaughtUp(port, TOKEN, 120);
            for (String key : batches.keySet()) {
                List<String> ids = storedMessageIds(port, key);
                assertThat(ids).as("batch " + key).hasSize(MESSAGES_PER_BATCH);
                assertThat(Set.copyOf(ids)).hasSize(MESSAGES_PER_BATCH);
            }
        } finally {
            service.destroyForcibly();
            service.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String batch(String key) {
        StringBuilder body = new StringBuilder("{\"batch\": [");
        for (int i = 0; i < MESSAGES_PER_BATCH; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\": \"track\", \"event\": \"e").append(i)
                    .append("\", \"userId\": \"").append(key).append("\", \"messageId\": \"").append(key).append('-').append(i)
                    .append("\", \"properties\": {\"revenue\": ").append(i).append("}}");
        }
        return body.append("]}").toString();
    }

    private int send(int port, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/batch"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Authorization", AUTH)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private List<String> storedMessageIds(int port, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/environments/test/events?limit=1000&key=" + key))
                .header("Authorization", "Bearer " + TOKEN).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode event : JSON.readTree(response.body())) {
            ids.add(event.path("messageId").asText());
        }
        return ids;
    }

    private Process start(Path dataDir, int port, String name, String... args) throws Exception {
        return PackagedService.start(dataDir, port, "src/test/resources/integrations-test.yml", TOKEN, "crash-" + name, args);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
