package io.fmebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import io.fmebridge.Application;

/**
 * Contract 6: an edited, added or removed route file takes effect while the service runs; a
 * broken one is refused with a log line naming the file and the problem, and the running routes
 * go on. The service runs on a copy of {@code routes/}.
 */
@ExtendWith(OutputCaptureExtension.class)
class RouteReloadTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void routeFilesAreAddedEditedRefusedAndRemovedLive(CapturedOutput output) throws Exception {
        Path routes = Files.createTempDirectory("routes");
        try (var files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        ConfigurableApplicationContext app = new SpringApplicationBuilder(Application.class).run("--server.port=0",
                "--fme.data-dir=target/test-data/reload-" + System.nanoTime(), "--fme.admin-token=t",
                "--fme.integrations-file=src/test/resources/integrations-test.yml", "--fme.routes-dir=" + routes);
        try {
            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            Path ping = routes.resolve("ping.yaml");

            Files.writeString(ping, pingRoute("pong-1"));
            assertThat(eventually(() -> get(port, "/ping"), "200 pong-1")).isEqualTo("200 pong-1");

            Files.writeString(ping, pingRoute("pong-2"));
            assertThat(eventually(() -> get(port, "/ping"), "200 pong-2")).isEqualTo("200 pong-2");

            Files.writeString(routes.resolve("broken.yaml"), "- route:\n    id: broken\n    from:\n      uri: \"timer:x\"\n"
                    + "      steps:\n        - nosuchstep: {}\n");
            // the watcher may first see the file empty, half written: wait for the line about its full text
            Pattern refused = Pattern.compile("Error reloading routes from file: .*broken.yaml due to: Unknown node id: nosuchstep");
            assertThat(eventually(() -> refused.matcher(output.getAll()).find() ? "logged" : "", "logged")).isEqualTo("logged");
            assertThat(get(port, "/ping")).as("the running routes go on").isEqualTo("200 pong-2");
            assertThat(post(port, "/api/segment/webhook/web", "web-hook-secret-1",
                    "{\"type\": \"track\", \"event\": \"e\", \"userId\": \"u\"}")).isEqualTo(200);

            Files.delete(routes.resolve("broken.yaml"));
            Files.delete(ping);
            // the route is gone: its path no longer answers (a removed HTTP route's path answers 500, not 404)
            assertThat(eventually(() -> get(port, "/ping").startsWith("200") ? "still served" : "gone", "gone")).isEqualTo("gone");
            assertThat(post(port, "/api/segment/webhook/web", "web-hook-secret-1",
                    "{\"type\": \"track\", \"event\": \"e\", \"userId\": \"u\"}")).isEqualTo(200);
        } finally {
            app.close();
        }
    }

    private static String pingRoute(String answer) {
        return "- route:\n    id: ping\n    from:\n      uri: \"platform-http:/ping\"\n      steps:\n        - setBody:\n"
                + "            constant: \"" + answer + "\"\n";
    }

    private String get(int port, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private int post(int port, String path, String authorization, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Authorization", authorization)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String eventually(Supplier<String> read, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String value = read.get();
        while (!value.equals(wanted) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            value = read.get();
        }
        return value;
    }
}
