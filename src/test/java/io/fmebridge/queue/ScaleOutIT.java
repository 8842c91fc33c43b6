package io.fmebridge.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.fmebridge.store.PackagedService;

/**
 * Two instances of the packaged service on one PostgreSQL database and one Kafka broker
 * (fme.store=postgres, fme.queue=kafka). Load goes to both; one is killed with SIGKILL midway and
 * what it did not answer is sent again to the other, as Segment and the FME SDKs retry. Then:
 * every Segment message answered 200 is stored exactly once, with or without a messageId (a batch sent again after
 * no answer: its messages without messageId once or twice), and Segment (a WireMock stub)
 * received every impression answered 200 at least once, a repeat only ever with the same messageId,
 * and each impression is stored once.
 */
class ScaleOutIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PG_URL = env("FME_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:55432/fme_test");
    private static final String PG_USER = env("FME_TEST_PG_USER", "fme");
    private static final String PG_PASSWORD = env("FME_TEST_PG_PASSWORD", "fme");
    private static final String KAFKA = env("FME_TEST_KAFKA", "127.0.0.1:59092");
    private static final String TOKEN = "scale-test-token";
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("web-api-key-1:".getBytes());
    private static final int MESSAGES_PER_BATCH = 20; // 15 with a messageId, 5 without
    private static final int IMPRESSIONS_PER_REQUEST = 5;
    private static final int SENDERS = 4;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void nothingAnsweredIsLostOrStoredTwiceWhenAnInstanceIsKilled() throws Exception {
        assumeServices();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String schema = "scale_" + run;
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        WireMockServer segment = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(20));
        segment.start();
        segment.stubFor(WireMock.post(WireMock.urlPathEqualTo("/scale/v1/batch")).willReturn(WireMock.okJson("{\"success\":true}")));
        Path settings = Files.createTempFile("integrations-scale", ".yml");
        Files.writeString(settings, Files.readString(Path.of("src/test/resources/integrations-test.yml"))
                + "\nsources:\n  - id: scale\n    environment: test\n    writeKey: wk-scale-0001\n    endpoint: http://localhost:"
                + segment.port() + "/scale\n    identities: {user: userId, anonymous: anonymousId}\n"
                + "    batch: {maxMessages: 100, maxBytes: 460000, maxDelay: 200ms}\n");
        String[] shared = {
                "-Xmx384m",
                "--fme.store=postgres",
                "--spring.datasource.url=" + PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                "--spring.datasource.username=" + PG_USER,
                "--spring.datasource.password=" + PG_PASSWORD,
                "--fme.queue=kafka",
                "--fme.kafka.brokers=" + KAFKA,
                "--fme.kafka.segment-topic=scale-segment-" + run,
                "--fme.kafka.impressions-topic=scale-impressions-" + run,
                "--fme.kafka.store-group=scale-store-" + run,
                "--fme.kafka.batcher-group=scale-batcher-" + run,
                "--fme.kafka.partitions=6",
                "--fme.kafka.gather-time=100ms",
                "--fme.delivery.poll-interval=100",
        };
        int portA = PackagedService.freePort();
        int portB = PackagedService.freePort();
        Process a = PackagedService.start(Path.of("target/test-data/scale-a-" + run), portA, settings.toString(), TOKEN, "scale-a", shared);
        Process b = PackagedService.start(Path.of("target/test-data/scale-b-" + run), portB, settings.toString(), TOKEN, "scale-b", shared);
        try {
            Map<String, String> batches = new ConcurrentHashMap<>(); // userId of the batch -> body
            Set<String> batchesAnswered = ConcurrentHashMap.newKeySet();
            Map<String, String> impressions = new ConcurrentHashMap<>(); // prefix of the request's keys -> body
            Set<String> impressionsAnswered = ConcurrentHashMap.newKeySet();
            // the same batches to both instances at once, as a Segment retry to another instance would:
            // stored once, whichever instance's consumer gets there first (the shared duplicate check)
            ExecutorService both = Executors.newFixedThreadPool(2);
            for (int i = 0; i < 10; i++) {
                String key = "scale-both-" + UUID.randomUUID();
                String body = batch(key, false); // a message without messageId sent twice is two messages
                batches.put(key, body);
                var toA = both.submit(() -> send(portA, "/v1/batch", body, AUTH));
                var toB = both.submit(() -> send(portB, "/v1/batch", body, AUTH));
                assertThat(toA.get()).isEqualTo(200);
                assertThat(toB.get()).isEqualTo(200);
                batchesAnswered.add(key);
            }
            both.shutdown();
            AtomicBoolean sending = new AtomicBoolean(true);
            AtomicInteger turn = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
            try {
                for (int s = 0; s < SENDERS; s++) {
                    senders.submit(() -> {
                        while (sending.get()) {
                            int port = (turn.incrementAndGet() % 2 == 0 || !a.isAlive()) ? portB : portA;
                            String key = "scale-" + UUID.randomUUID();
                            String body = batch(key);
                            batches.put(key, body);
                            if (send(port, "/v1/batch", body, AUTH) == 200) {
                                batchesAnswered.add(key);
                            }
                            String prefix = "imp-" + UUID.randomUUID() + "-";
                            String bulk = impressions(prefix);
                            impressions.put(prefix, bulk);
                            if (send(port, "/api/testImpressions/bulk", bulk, "Bearer sdk-key-test-1") == 200) {
                                impressionsAnswered.add(prefix);
                            }
                        }
                        return null;
                    });
                }
                assertThat(waitUntil(() -> batchesAnswered.size() >= 130, Duration.ofSeconds(60)))
                        .as("load answered before the kill").isTrue();
                a.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed
                a.waitFor(10, TimeUnit.SECONDS);
                int atKill = batchesAnswered.size();
                assertThat(waitUntil(() -> batchesAnswered.size() >= atKill + 60, Duration.ofSeconds(60)))
                        .as("the other instance answers on after the kill").isTrue();
            } finally {
                sending.set(false);
                senders.shutdown();
                senders.awaitTermination(60, TimeUnit.SECONDS);
            }
            System.out.printf("Scale-out test: %d of %d batches and %d of %d impression requests answered 200 by two instances, "
                    + "one killed midway%n", batchesAnswered.size(), batches.size(), impressionsAnswered.size(), impressions.size());
            try {
                // what got no answer is sent again to the instance still running, as the senders would
                Set<String> sentAgain = new HashSet<>();
                for (Map.Entry<String, String> batch : batches.entrySet()) {
                    if (!batchesAnswered.contains(batch.getKey())) {
                        assertThat(send(portB, "/v1/batch", batch.getValue(), AUTH)).isEqualTo(200);
                        sentAgain.add(batch.getKey());
                    }
                }
                // the batches sent to both at the start, again to the survivor: about half of them were stored by the
                // killed instance's consumers, so only the shared duplicate check in PostgreSQL can tell
                for (Map.Entry<String, String> batch : batches.entrySet()) {
                    if (batch.getKey().startsWith("scale-both-")) {
                        assertThat(send(portB, "/v1/batch", batch.getValue(), AUTH)).isEqualTo(200);
                    }
                }
                for (Map.Entry<String, String> bulk : impressions.entrySet()) {
                    if (!impressionsAnswered.contains(bulk.getKey())) {
                        assertThat(send(portB, "/api/testImpressions/bulk", bulk.getValue(), "Bearer sdk-key-test-1")).isEqualTo(200);
                    }
                }
                // every message answered 200 stored exactly once, whichever instance took it in and stored it
                storedOnce(portB, batches.keySet(), sentAgain);
                // every impression reached Segment; a repeat only ever with the same messageId (a batch the
                // killed instance was sending is sent again once its lease runs out)
                Map<String, Set<String>> idsByKey = eventually(() -> sentToSegment(segment),
                        m -> impressions.keySet().stream().allMatch(p -> m.containsKey(p + (IMPRESSIONS_PER_REQUEST - 1))),
                        Duration.ofSeconds(150));
                for (String prefix : impressions.keySet()) {
                    for (int i = 0; i < IMPRESSIONS_PER_REQUEST; i++) {
                        assertThat(idsByKey.get(prefix + i)).as("impression " + prefix + i).isNotNull().hasSize(1);
                    }
                }
                // and each impression stored once, though some requests were sent twice; the readout is a consumer
                // group of its own, behind delivery (fme.journal.readout-delay), so Segment can have them first
                for (String prefix : impressions.keySet()) {
                    for (int i = 0; i < IMPRESSIONS_PER_REQUEST; i++) {
                        String key = prefix + i;
                        assertThat(eventually(() -> storedImpressions(portB, key), n -> n >= 1, Duration.ofSeconds(90)))
                                .as("impression " + key + " stored").isEqualTo(1);
                    }
                }
                // again, now that the consumers have long caught up: a second copy stored late shows here
                int storedTwiceWithoutId = storedOnce(portB, batches.keySet(), sentAgain);
                for (String prefix : impressions.keySet()) {
                    for (int i = 0; i < IMPRESSIONS_PER_REQUEST; i++) {
                        assertThat(storedImpressions(portB, prefix + i)).as("impression " + prefix + i + " stored, later").isEqualTo(1);
                    }
                }
                System.out.printf("Scale-out test: %d batches sent again, %d of them already in Kafka (messages without messageId twice)%n",
                        sentAgain.size(), storedTwiceWithoutId);
                long messagesSent = idsByKey.size();
                long repeats = segment.findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/scale/v1/batch"))).stream()
                        .mapToLong(r -> batchOf(r).size()).sum() - messagesSent;
                System.out.printf("Scale-out test: Segment received %d impressions, %d of them again with the same messageId%n",
                        messagesSent, repeats);
            } finally {
                b.destroyForcibly();
                b.waitFor(10, TimeUnit.SECONDS);
                segment.stop();
                try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
                    c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        } finally {
            a.destroyForcibly(); // whatever failed, no instance outlives the test
            b.destroyForcibly();
        }
    }

    /**
     * Checks each batch stored once: every message with a messageId exactly once; those without one
     * once, or up to twice for a batch sent again after no answer. Returns how many batches had them twice.
     */
    private int storedOnce(int port, Set<String> keys, Set<String> sentAgain) throws InterruptedException {
        int twice = 0;
        for (String key : keys) {
            List<String> ids = eventually(() -> storedMessageIds(port, key), l -> l.size() >= MESSAGES_PER_BATCH,
                    Duration.ofSeconds(90));
            int withId = key.startsWith("scale-both-") ? MESSAGES_PER_BATCH : MESSAGES_PER_BATCH - MESSAGES_PER_BATCH / 4;
            List<String> stored = ids.stream().filter(id -> !id.isEmpty()).toList();
            assertThat(stored).as("batch " + key).hasSize(withId).doesNotHaveDuplicates();
            long withoutId = ids.size() - stored.size();
            if (sentAgain.contains(key)) {
                // the killed instance may have put the batch into Kafka without answering: sent again,
                // a message without messageId can't be told from its first copy (a known limit)
                assertThat(withoutId).as("batch " + key + ", sent again").isBetween(
                        (long) MESSAGES_PER_BATCH - withId, 2L * (MESSAGES_PER_BATCH - withId));
                twice += withoutId > MESSAGES_PER_BATCH - withId ? 1 : 0;
            } else {
                assertThat(withoutId).as("batch " + key).isEqualTo(MESSAGES_PER_BATCH - withId);
            }
        }
        return twice;
    }

    private static String batch(String key) {
        return batch(key, true);
    }

    private static String batch(String key, boolean someWithoutMessageId) {
        StringBuilder body = new StringBuilder("{\"batch\": [");
        for (int i = 0; i < MESSAGES_PER_BATCH; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\": \"track\", \"event\": \"e").append(i % 3)
                    .append("\", \"userId\": \"").append(key).append('"');
            if (!someWithoutMessageId || i % 4 != 3) { // every fourth without messageId: read again, only the stored positions can tell
                body.append(", \"messageId\": \"").append(key).append('-').append(i).append('"');
            }
            body.append(", \"properties\": {\"revenue\": ").append(i).append("}}");
        }
        return body.append("]}").toString();
    }

    private static String impressions(String prefix) {
        StringBuilder body = new StringBuilder("[{\"f\": \"new_checkout\", \"i\": [");
        for (int i = 0; i < IMPRESSIONS_PER_REQUEST; i++) {
            body.append(i == 0 ? "" : ",").append("{\"k\": \"").append(prefix).append(i)
                    .append("\", \"t\": \"on\", \"m\": 1764000000000, \"c\": 42, \"r\": \"rule\"}");
        }
        return body.append("]}]").toString();
    }

    private int send(int port, String path, String body, String authorization) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .header("Authorization", authorization).POST(HttpRequest.BodyPublishers.ofString(body)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1; // the instance is gone: no answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private List<String> storedMessageIds(int port, String key) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                    + "/api/environments/test/events?limit=1000&key=" + key)).header("Authorization", "Bearer " + TOKEN).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            List<String> ids = new ArrayList<>();
            for (JsonNode event : JSON.readTree(response.body())) {
                ids.add(event.path("messageId").isTextual() ? event.get("messageId").asText() : "");
            }
            return ids;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private int storedImpressions(int port, String key) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                    + "/api/environments/test/impressions?limit=100&key=" + key)).header("Authorization", "Bearer " + TOKEN).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body()).size();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** userId of each impression sent to Segment -> the messageIds it was sent with. */
    private static Map<String, Set<String>> sentToSegment(WireMockServer segment) {
        Map<String, Set<String>> ids = new HashMap<>();
        for (LoggedRequest request : segment.findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/scale/v1/batch")))) {
            for (JsonNode m : batchOf(request)) {
                ids.computeIfAbsent(m.path("userId").asText(), k -> new HashSet<>()).add(m.path("messageId").asText());
            }
        }
        return ids;
    }

    private static JsonNode batchOf(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString()).path("batch");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static <T> T eventually(java.util.function.Supplier<T> read, java.util.function.Predicate<T> done, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        T value = read.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            value = read.get();
        }
        return value;
    }

    private static boolean waitUntil(java.util.function.BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    /** Skipped without PostgreSQL and Kafka; with FME_SERVICE_TESTS=required (CI) a missing one fails. */
    private static void assumeServices() {
        String missing = null;
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
            c.isValid(2);
        } catch (Exception e) {
            missing = "no PostgreSQL at " + PG_URL;
        }
        String[] hostPort = KAFKA.split(",")[0].split(":");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 1000);
        } catch (IOException e) {
            missing = (missing == null ? "" : missing + "; ") + "no Kafka at " + KAFKA;
        }
        if (missing != null && "required".equals(System.getenv("FME_SERVICE_TESTS"))) {
            throw new IllegalStateException(missing + " (FME_SERVICE_TESTS=required); start them with bash .ci/services.sh start");
        }
        Assumptions.assumeTrue(missing == null, missing + "; start them with bash .ci/services.sh start");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
