package io.fmebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.fmebridge.Application;

/**
 * Contract 6 (health): readiness goes down while the database can't be reached, and comes back
 * with it. The database here is an H2 server the test can stop.
 */
class ReadinessTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readinessFollowsTheDatabase() throws Exception {
        int dbPort = freePort();
        Path dir = Files.createTempDirectory("readiness-db");
        Server db = Server.createTcpServer("-tcpPort", String.valueOf(dbPort), "-ifNotExists", "-baseDir", dir.toString()).start();
        ConfigurableApplicationContext app = new SpringApplicationBuilder(Application.class).run("--server.port=0",
                "--fme.data-dir=" + dir.resolve("data"), "--fme.admin-token=t",
                "--fme.integrations-file=src/test/resources/integrations-test.yml",
                "--spring.datasource.url=jdbc:h2:tcp://localhost:" + dbPort + "/./fme",
                "--spring.datasource.hikari.connection-timeout=1000", "--management.endpoint.health.show-details=always", "--spring.datasource.hikari.validation-timeout=500");
        try {
            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            assertThat(readiness(port)).isEqualTo(200);

            db.stop();
            assertThat(eventually(() -> readiness(port), 503)).isEqualTo(503);
            assertThat(status(port, "/actuator/health/liveness")).as("alive all the same").isEqualTo(200);

            db = Server.createTcpServer("-tcpPort", String.valueOf(dbPort), "-ifNotExists", "-baseDir", dir.toString()).start();
            int back = eventually(() -> readiness(port), 200);
            assertThat(back).as(body(port, "/actuator/health/readiness")).isEqualTo(200);
        } finally {
            app.close();
            db.stop();
        }
    }

    private String body(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private int readiness(int port) {
        return status(port, "/actuator/health/readiness");
    }

    private int status(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int eventually(java.util.function.IntSupplier read, int wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int value = read.getAsInt();
        while (value != wanted && System.nanoTime() < deadline) {
            Thread.sleep(250);
            value = read.getAsInt();
        }
        return value;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
