package io.fmebridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Contract 3.3 under overload: far beyond capacity, with a small heap, the service answers 503 with
 * {@code Retry-After} instead of running out of memory, stays up, and every 200 is stored.
 */
class OverloadIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("web-api-key-1:".getBytes());
    private static final int SENDERS = 320;
    private static final int MESSAGES = 100;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void farBeyondCapacityTheServicePushesBackAndLosesNothing() throws Exception {
        int port = PackagedService.freePort();
        Path dataDir = Path.of("target/test-data/overload-" + UUID.randomUUID());
        Process service = PackagedService.start(dataDir, port, "src/test/resources/integrations-test.yml", "t", "overload", "-Xmx256m");
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Set<String> stored = ConcurrentHashMap.newKeySet();
        AtomicInteger retryAfterMissing = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
        try {
            for (int s = 0; s < SENDERS; s++) {
                int padding = s % 3 == 0 ? 4000 : 300; // a third send batches of about 450 KB
                senders.submit(() -> {
                    while (System.nanoTime() < until) {
                        String key = "load-" + UUID.randomUUID();
                        try {
                            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/batch"))
                                    .timeout(Duration.ofSeconds(60)).header("Authorization", AUTH).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(batch(key, padding))).build(), HttpResponse.BodyHandlers.ofString());
                            statuses.computeIfAbsent(answer.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                            if (answer.statusCode() == 200) {
                                stored.add(key);
                            } else if (answer.headers().firstValue("Retry-After").isEmpty()) {
                                retryAfterMissing.incrementAndGet();
                            }
                        } catch (IOException e) {
                            statuses.computeIfAbsent(-1, k -> new AtomicInteger()).incrementAndGet();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            senders.shutdown();
            assertThat(senders.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
            System.out.println("Overload test: answers by status " + statuses + ", " + stored.size() + " batches stored");

            assertThat(service.isAlive()).as("the service is still running").isTrue();
            assertThat(statuses.keySet()).as("only 200, or 503/429 pushing back").isSubsetOf(200, 429, 503);
            assertThat(statuses.getOrDefault(503, new AtomicInteger()).get() + statuses.getOrDefault(429, new AtomicInteger()).get())
                    .as("far beyond capacity, the service pushes back").isPositive();
            assertThat(retryAfterMissing.get()).as("refusals without Retry-After").isZero();
            assertThat(stored).isNotEmpty();
            PackagedService.awaitCaughtUp(port, "t", 120);
            for (String key : stored) {
                HttpResponse<String> events = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/environments/test/events?limit=1000&key=" + key)).header("Authorization", "Bearer t").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(JSON.readTree(events.body()).size()).as("events of " + key).isEqualTo(MESSAGES);
            }
        } finally {
            service.destroyForcibly();
            service.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String batch(String key, int padding) {
        String pad = "p".repeat(padding);
        StringBuilder body = new StringBuilder("{\"batch\": [");
        for (int i = 0; i < MESSAGES; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\": \"track\", \"event\": \"load\", \"userId\": \"").append(key)
                    .append("\", \"messageId\": \"").append(key).append('-').append(i).append("\", \"properties\": {\"pad\": \"")
                    .append(pad).append("\"}}");
        }
        return body.append("]}").toString();
    }
}
