package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.JsonNode;

import io.fmebridge.Application;

/**
 * Contract 5.2: "Gathered messages survive a restart". Impressions gathered but not yet sent when
 * the service stops are sent after it starts again on the same data directory.
 */
class PendingBatchSurvivesRestartTest {

    @Test
    void aBatchPendingAtShutdownIsDeliveredAfterTheNextStart() throws Exception {
        SegmentStub segment = new SegmentStub();
        segment.accepts("restart");
        Path dataDir = Path.of("target/test-data/restart-" + System.nanoTime());
        Path settings = Files.createTempFile("integrations-restart", ".yml");
        Files.writeString(settings, """
                environments:
                  - id: restart
                    trafficTypes: [user]
                    sdkKeys: [sdk-restart]
                sources:
                  - id: restart
                    environment: restart
                    writeKey: wk-restart-0001
                    endpoint: %s
                    batch: {maxMessages: 100, maxBytes: 460000, maxDelay: 3s}
                """.formatted(segment.base("restart")));
        try {
            ConfigurableApplicationContext first = start(dataDir, settings);
            int status = send(port(first), "[{\"f\": \"new_checkout\", \"i\": [{\"k\": \"before-stop-1\", \"t\": \"on\", \"m\": 1764000000000},"
                    + "{\"k\": \"before-stop-2\", \"t\": \"off\", \"m\": 1764000000001}]}]");
            assertThat(status).isEqualTo(200);
            first.close(); // well before maxDelay: the batch is still being gathered
            assertThat(segment.requests("restart")).isEmpty();

            ConfigurableApplicationContext second = start(dataDir, settings);
            try {
                List<JsonNode> messages = RunningServiceTest.eventually(() -> segment.messages("restart"), m -> m.size() >= 2,
                        Duration.ofSeconds(20));
                assertThat(messages).extracting(m -> m.path("userId").asText())
                        .containsExactlyInAnyOrder("before-stop-1", "before-stop-2");
            } finally {
                second.close();
            }
        } finally {
            segment.stop();
        }
    }

    private static ConfigurableApplicationContext start(Path dataDir, Path settings) {
        return new SpringApplicationBuilder(Application.class).run("--server.port=0", "--fme.data-dir=" + dataDir,
                "--fme.integrations-file=" + settings, "--fme.admin-token=restart-token", "--fme.delivery.poll-interval=50");
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static int send(int port, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/testImpressions/bulk"))
                .header("Authorization", "Bearer sdk-restart").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
