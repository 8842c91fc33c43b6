package io.fmebridge.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The whole service on a random port, over real HTTP, with the settings of
 * {@code src/test/resources/integrations-test.yml}. Every test uses keys and messageIds of its
 * own, so tests can share the running service and its database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "fme.integrations-file=src/test/resources/integrations-test.yml",
        "fme.data-dir=" + RunningServiceTest.DATA_DIR,
        "fme.admin-token=" + RunningServiceTest.ADMIN_TOKEN,
        "management.prometheus.metrics.export.enabled=true", // tests switch metrics export off by default
})
public abstract class RunningServiceTest {
    static final String DATA_DIR = "target/test-data/e2e";
    static final String ADMIN_TOKEN = "test-admin-token";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static {
        wipeOnce();
    }

    @LocalServerPort
    int port;

    private static boolean wiped;

    private static synchronized void wipeOnce() {
        if (wiped) {
            return;
        }
        wiped = true;
        Path dir = Path.of(DATA_DIR);
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":").getBytes(StandardCharsets.UTF_8));
    }

    record Answer(int status, String body, HttpResponse<String> response) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    Answer post(String path, String body, String... headers) {
        return post(path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    Answer post(String path, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    /**
     * A read of the query or admin API, once the service has caught up: data appears after the
     * consumers map what was answered 200, so every read waits for {@code GET /api/lag} to show no
     * entry left (the documented way to know).
     */
    Answer get(String path) {
        if (!path.startsWith("/api/lag")) {
            awaitCaughtUp(port);
        }
        return getNow(path);
    }

    /** Waits until every request answered so far is mapped, before a read that does not go through {@link #get}. */
    void awaitCaughtUp() {
        awaitCaughtUp(port);
    }

    /** Waits until every request answered so far is mapped: {@code GET /api/lag} shows no entry left. */
    static void awaitCaughtUp(int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Answer lag = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/lag"))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build());
            JsonNode entries = lag.status() == 200 ? lag.json().path("entries") : null;
            if (entries == null || !entries.isNumber() || entries.asLong() == 0) {
                return; // caught up, or a queue (Kafka) whose lag this call does not measure
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the service did not catch up within 60 s: " + lag.body());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A read of the query or admin API as it is at this moment. */
    Answer getNow(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build());
    }

    Answer getWithout(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    /** A call of the admin API with the admin token; {@code body} may be null. */
    Answer admin(String method, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The events of one key in the test environment, newest first. */
    JsonNode eventsOf(String key) {
        Answer answer = get("/api/environments/test/events?key=" + key);
        if (answer.status() != 200) {
            throw new AssertionError("query API answered " + answer.status() + ": " + answer.body());
        }
        return answer.json();
    }

    JsonNode stats(String destinationId) {
        return get("/api/destinations/" + destinationId + "/stats").json();
    }

    JsonNode dropped(String destinationId, String reason) {
        return get("/api/destinations/" + destinationId + "/dropped?limit=1000&reason=" + reason).json();
    }

    static boolean anyMessageId(JsonNode array, String messageId) {
        for (JsonNode n : array) {
            if (messageId.equals(n.path("messageId").asText(null))) {
                return true;
            }
        }
        return false;
    }

    /** Polls until the condition holds; for clients that send in the background. */
    static <T> T eventually(java.util.function.Supplier<T> read, Predicate<T> done, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        T value = read.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            value = read.get();
        }
        return value;
    }
}
