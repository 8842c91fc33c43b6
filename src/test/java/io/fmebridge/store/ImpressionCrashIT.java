package io.fmebridge.store;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
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
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * Contract 5.2: "what was accepted is sent, at least once". The packaged service takes
 * impressions from concurrent senders and is killed with SIGKILL; after it starts again on the
 * same data directory, every impression that got a 200 reaches the Segment stub, and a repeat
 * only ever with the same messageId.
 */
class ImpressionCrashIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SENDERS = 8;
    private static final int IMPRESSIONS_PER_REQUEST = 20;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void everyAcceptedImpressionReachesSegmentAfterSigkill() throws Exception {
        WireMockServer segment = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        segment.start();
        segment.stubFor(WireMock.post(urlPathEqualTo("/crash/v1/batch")).willReturn(okJson("{\"success\":true}")));
        Path settings = Files.createTempFile("integrations-crash", ".yml");
        Files.writeString(settings, """
                environments:
                  - id: crash
                    trafficTypes: [user]
                    sdkKeys: [sdk-crash]
                sources:
                  - id: crash
                    environment: crash
                    writeKey: wk-crash-0001
                    endpoint: http://localhost:%d/crash
                    batch: {maxMessages: 100, maxBytes: 460000, maxDelay: 300ms}
                """.formatted(segment.port()));
        Path dataDir = Path.of("target/test-data/impression-crash-" + UUID.randomUUID());
        int port = PackagedService.freePort();
        Set<String> accepted = ConcurrentHashMap.newKeySet();

        Process service = PackagedService.start(dataDir, port, settings.toString(), "t", "impression-crash-first");
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        try {
            for (int s = 0; s < SENDERS; s++) {
                senders.submit(() -> {
                    while (sending.get()) {
                        String prefix = "k-" + UUID.randomUUID() + "-";
                        try {
                            if (send(port, body(prefix)) == 200) {
                                for (int i = 0; i < IMPRESSIONS_PER_REQUEST; i++) {
                                    accepted.add(prefix + i);
                                }
                            }
                        } catch (IOException | InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (accepted.size() < 2000 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(700));
            service.destroyForcibly();
            service.waitFor(10, TimeUnit.SECONDS);
        } finally {
            sending.set(false);
            senders.shutdown();
            senders.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertThat(accepted).isNotEmpty();
        System.out.printf("Impression crash test: %d impressions answered 200 before SIGKILL%n", accepted.size());

        service = PackagedService.start(dataDir, port, settings.toString(), "t", "impression-crash-second");
        try {
            Map<String, Set<String>> messageIdsByKey = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                messageIdsByKey = received(segment);
                if (messageIdsByKey.keySet().containsAll(accepted)) {
                    break;
                }
                Thread.sleep(250);
            }
            Set<String> missing = new HashSet<>(accepted);
            missing.removeAll(messageIdsByKey.keySet());
            assertThat(missing).as("accepted impressions that never reached Segment").isEmpty();
            messageIdsByKey.forEach((key, ids) -> assertThat(ids).as("messageIds sent for " + key).hasSize(1));
        } finally {
            service.destroyForcibly();
            service.waitFor(10, TimeUnit.SECONDS);
            segment.stop();
        }
    }

    private static String body(String prefix) {
        StringBuilder body = new StringBuilder("[{\"f\": \"new_checkout\", \"i\": [");
        for (int i = 0; i < IMPRESSIONS_PER_REQUEST; i++) {
            body.append(i == 0 ? "" : ",").append("{\"k\": \"").append(prefix).append(i)
                    .append("\", \"t\": \"on\", \"m\": 1764000000000, \"c\": 1, \"r\": \"default rule\"}");
        }
        return body.append("]}]").toString();
    }

    private int send(int port, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/testImpressions/bulk"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer sdk-crash")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Key -> the messageIds it was sent with. */
    private static Map<String, Set<String>> received(WireMockServer segment) throws IOException {
        Map<String, Set<String>> byKey = new HashMap<>();
        for (LoggedRequest request : segment.findAll(postRequestedFor(urlPathEqualTo("/crash/v1/batch")))) {
            for (JsonNode message : JSON.readTree(request.getBodyAsString()).path("batch")) {
                byKey.computeIfAbsent(message.path("userId").asText(), k -> new HashSet<>()).add(message.path("messageId").asText());
            }
        }
        return byKey;
    }
}
