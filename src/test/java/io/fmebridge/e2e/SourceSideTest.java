package io.fmebridge.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import com.github.tomakehurst.wiremock.client.WireMock;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * The service with sources pointing at WireMock standing in for Segment. Each test has an
 * environment and a source (a Segment workspace) of its own; the test classes share the service.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "fme.data-dir=target/test-data/impressions",
        "fme.admin-token=" + RunningServiceTest.ADMIN_TOKEN,
        "fme.delivery.initial-backoff=50ms",
        "fme.delivery.max-backoff=300ms",
        "fme.delivery.poll-interval=50",
})
abstract class SourceSideTest extends RunningServiceTest {
    static final SegmentStub SEGMENT = new SegmentStub();
    static final int REFUSED_PORT = freePort();
    static final Path SETTINGS = settings();

    @DynamicPropertySource
    static void settingsFile(DynamicPropertyRegistry registry) {
        registry.add("fme.integrations-file", SETTINGS::toString);
    }

    private static Path settings() {
        wipe(Path.of("target/test-data/impressions"));
        StringBuilder yaml = new StringBuilder("environments:\n");
        for (String env : List.of("count", "bytes", "time", "flaky", "broken", "refused", "fan", "mapping", "sdk", "big", "jmx", "again")) {
            yaml.append("  - id: ").append(env).append("\n    name: Env ").append(env)
                    .append("\n    trafficTypes: [user, anonymous, account]\n    sdkKeys: [sdk-").append(env).append("]\n")
                    .append("    flagTrafficTypes: {guest_banner: anonymous}\n");
        }
        yaml.append("sources:\n");
        source(yaml, "count", "count", SEGMENT.base("count"), 5, 460000, "60s");
        source(yaml, "bytes", "bytes", SEGMENT.base("bytes"), 100, 40000, "60s");
        source(yaml, "time", "time", SEGMENT.base("time"), 100, 460000, "700ms");
        source(yaml, "flaky", "flaky", SEGMENT.base("flaky"), 100, 460000, "100ms");
        source(yaml, "broken", "broken", SEGMENT.base("broken"), 100, 460000, "100ms");
        source(yaml, "refused", "refused", "http://localhost:" + REFUSED_PORT + "/refused", 100, 460000, "100ms");
        source(yaml, "fan-us", "fan", SEGMENT.base("us"), 100, 460000, "100ms");
        source(yaml, "fan-eu", "fan", SEGMENT.base("eu"), 100, 460000, "100ms");
        source(yaml, "mapping", "mapping", SEGMENT.base("mapping"), 100, 460000, "100ms");
        source(yaml, "sdk", "sdk", SEGMENT.base("sdk"), 100, 460000, "100ms");
        source(yaml, "big", "big", SEGMENT.base("big"), 100, 460000, "100ms");
        source(yaml, "jmx", "jmx", SEGMENT.base("jmx"), 100, 460000, "100ms");
        source(yaml, "again", "again", SEGMENT.base("again"), 100, 460000, "100ms");
        try {
            Path file = Files.createTempFile("integrations-impressions", ".yml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void source(StringBuilder yaml, String id, String env, String endpoint, int maxMessages, int maxBytes, String maxDelay) {
        yaml.append("  - id: ").append(id).append("\n    environment: ").append(env)
                .append("\n    writeKey: wk-").append(id).append("-0001\n    endpoint: ").append(endpoint)
                .append("\n    identities: {user: userId, anonymous: anonymousId}\n    batch: {maxMessages: ").append(maxMessages)
                .append(", maxBytes: ").append(maxBytes).append(", maxDelay: ").append(maxDelay).append("}\n");
    }

    static String impressions(String flag, int count, String prefix, String label) {
        StringBuilder body = new StringBuilder("[{\"f\": \"" + flag + "\", \"i\": [");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"k\": \"").append(prefix).append(i).append("\", \"t\": \"on\", \"m\": ")
                    .append(1_764_000_000_000L + i).append(", \"c\": 42, \"r\": \"").append(label).append("\", \"b\": \"bk-").append(i)
                    .append("\"}");
        }
        return body.append("]}]").toString();
    }

    Answer sendImpressions(String env, String body) {
        return post("/api/testImpressions/bulk", body, "Authorization", "Bearer sdk-" + env);
    }

    static List<String> ids(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("messageId").asText()).toList();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void wipe(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
