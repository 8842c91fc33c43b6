package io.fmebridge.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fmebridge.Application;

/**
 * The settings live in the database: seeded from the file at first start, changed through the
 * admin API, kept across restarts (the file is not read again), with inbound credentials stored
 * only as hashes.
 */
class SettingsInTheDatabaseTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void seededOnceChangedLiveAndKeptAcrossARestart() throws Exception {
        Path dataDir = Path.of("target/test-data/settings-db-" + System.nanoTime());
        Path file = Files.createTempFile("integrations-db", ".yml");
        Files.writeString(file, """
                environments:
                  - id: db
                    trafficTypes: [user]
                    sdkKeys: [sdk-db-key-1]
                destinations:
                  - id: seeded
                    environment: db
                    trafficType: user
                    apiKey: seeded-api-key-1
                    webhookSecret: seeded-hook-secret-1
                """);
        String created;
        try (ConfigurableApplicationContext first = start(dataDir, file)) {
            int port = port(first);
            HttpResponse<String> answer = call(port, "POST", "/api/admin/destinations",
                    "{\"id\": \"made\", \"environment\": \"db\", \"trafficType\": \"user\"}");
            assertThat(answer.statusCode()).isEqualTo(201);
            created = JSON.readTree(answer.body()).path("webhookSecret").asText();

            List<String> documents = first.getBean(JdbcTemplate.class).queryForList(
                    "SELECT document FROM settings_version ORDER BY version", String.class);
            assertThat(documents).hasSize(2);
            assertThat(String.join("\n", documents)).as("inbound credentials are stored hashed")
                    .doesNotContain("seeded-api-key-1").doesNotContain("seeded-hook-secret-1").doesNotContain("sdk-db-key-1")
                    .doesNotContain(created).contains("apiKeyHash: sha256:");
        }

        Files.writeString(file, "environments: []\n"); // read only at first start: changing it changes nothing now
        try (ConfigurableApplicationContext second = start(dataDir, file)) {
            int port = port(second);
            assertThat(webhook(port, "seeded", "seeded-hook-secret-1")).isEqualTo(200);
            assertThat(webhook(port, "made", created)).isEqualTo(200);
            JsonNode list = JSON.readTree(call(port, "GET", "/api/admin/destinations", null).body());
            assertThat(list).extracting(d -> d.path("id").asText()).containsExactly("seeded", "made");
        }
    }

    private static ConfigurableApplicationContext start(Path dataDir, Path file) {
        return new SpringApplicationBuilder(Application.class).run("--server.port=0", "--fme.data-dir=" + dataDir,
                "--fme.integrations-file=" + file, "--fme.admin-token=db-token", "--camel.main.routes-reload-enabled=false");
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static HttpResponse<String> call(int port, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer db-token").header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int webhook(int port, String destination, String secret) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/segment/webhook/" + destination))
                .header("Authorization", secret).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"track\", \"event\": \"e\", \"userId\": \"u\"}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
