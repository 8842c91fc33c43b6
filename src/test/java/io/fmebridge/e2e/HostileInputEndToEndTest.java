package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Contract 3.3 and 3.5: bad input gets a clear answer or a recorded drop, never a 500, and never
 * costs the good messages beside it; guards can't be walked around.
 */
class HostileInputEndToEndTest extends RunningServiceTest {
    private static final String SECRET = "web-hook-secret-1";

    private String track(String user, String extra) {
        return "{\"type\": \"track\", \"event\": \"e\", \"userId\": \"" + user + "\", \"messageId\": \"" + unique("m") + "\"" + extra + "}";
    }

    @Test
    void aTimeNoClockCanHoldDoesNotFailTheBatch() {
        String user = unique("user");
        String body = "[" + track(user, ", \"timestamp\": \"+300000000-01-01T00:00:00Z\"") + ","
                + track(user, ", \"originalTimestamp\": \"2020-01-01T00:00:00Z\", \"sentAt\": \"-290000000-01-01T00:00:00Z\"") + ","
                + track(user, "") + "]";

        Answer answer = post("/api/segment/webhook/web", body, "Authorization", SECRET);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(eventsOf(user)).hasSize(3);
    }

    @Test
    void aKeyThatIsAHugeNumberIsDroppedQuickly() {
        String id = unique("huge");
        String user = unique("user");
        String body = "[{\"type\": \"track\", \"event\": \"e\", \"userId\": 1e999999999, \"messageId\": \"" + id + "\"},"
                + track(user, "") + "]";

        Answer answer = post("/api/segment/webhook/web", body, "Authorization", SECRET);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(eventsOf(user)).hasSize(1);
        assertThat(anyMessageId(dropped("web", "invalid_key"), id)).isTrue();
    }

    @Test
    void nestingThousandsOfLevelsDeepIs400() {
        String body = "{\"type\": \"track\", \"properties\": " + "[".repeat(5000) + "]".repeat(5000) + "}";

        Answer answer = post("/api/segment/webhook/web", body, "Authorization", SECRET);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("success").asBoolean()).isFalse();
    }

    @Test
    void traitsThatAreNotAnObjectAreRecorded() { // 3.5: nothing disappears silently
        String id = unique("traits");
        String user = unique("user");

        post("/v1/identify", "{\"userId\": \"" + user + "\", \"messageId\": \"" + id + "\", \"traits\": [1, 2]}",
                "Authorization", basic("web-api-key-1"));

        assertThat(anyMessageId(dropped("web", "invalid_message"), id)).isTrue();
    }

    @Test
    void aSplitPairWithoutKeyIsRecorded() { // 3.5
        String id = unique("split");
        String user = unique("user");

        post("/v1/track", "{\"event\": \"e\", \"userId\": \"" + user + "\", \"messageId\": \"" + id
                + "\", \"properties\": {\"split\": [{\"account\": null}]}}", "Authorization", basic("web-api-key-1"));

        assertThat(eventsOf(user)).hasSize(1);
        assertThat(anyMessageId(dropped("web", "invalid_key"), id)).isTrue();
    }

    @Test
    void encodedPathsDoNotGetPastTheAdminToken() { // contract 1: the admin token guards every /api/ endpoint
        for (String path : new String[] {"/%61pi/destinations/web/stats", "/api;x/destinations/web/stats",
                "/api;/environments/test/events", "/a%70i/environments/test/event-types"}) {
            int status = getWithout(path).status();
            assertThat(status).as(path).isIn(400, 401, 404);
        }
    }

    @Test
    void aCredentialInTheQueryStringIsNotAccepted() { // 3.1: the credential is in the Authorization header
        String user = unique("user");

        Answer answer = post("/api/segment/webhook/web?Authorization=" + SECRET, track(user, ""));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(eventsOf(user)).isEmpty();
    }

    @Test
    void browsersMayPostToTheSegmentApiFromAnyOrigin() throws Exception { // 3.2: analytics.js works unchanged
        HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/batch"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://shop.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,authorization").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example");
    }

    @Test
    void aBodyDeclaredAsAFormIsReadAsJson() throws Exception { // curl -d sends a form content type
        String user = unique("user");
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/segment/webhook/web"))
                .header("Authorization", SECRET).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(track(user, ""))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(eventsOf(user)).hasSize(1);
    }

    @Test
    void anSdkKeyInTheQueryStringIsNotAccepted() { // 5.1: the SDK key is in the Authorization header
        Answer answer = post("/api/testImpressions/bulk?Authorization=Bearer%20sdk-key-test-1",
                "[{\"f\": \"flag\", \"i\": [{\"k\": \"k\", \"t\": \"on\", \"m\": 1}]}]");

        assertThat(answer.status()).isEqualTo(401);
    }

    @Test
    void anOversizedBodyIsRefusedBeforeItIsRead() throws Exception { // 3.3: the limit holds while reading
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(5000);
            var out = socket.getOutputStream();
            // announce 10 MB and send none of it: the answer must not wait for the body
            out.write(("POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Authorization: " + basic("web-api-key-1") + "\r\nContent-Length: 10000000\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertThat(status).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void aChunkedBodyIsCutOffAtTheLimit() throws Exception { // 3.3: no Content-Length to trust
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(5000);
            var out = socket.getOutputStream();
            out.write(("POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Authorization: " + basic("web-api-key-1") + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] chunk = "x".repeat(64 * 1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int i = 0; i < 9; i++) { // 576 KB, more than the limit, and never the closing chunk
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            out.flush();
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertThat(status).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void theServiceStillAnswersAfterAllOfThis() {
        JsonNode health = getWithout("/actuator/health").json();
        assertThat(health.path("status").asText()).isEqualTo("UP");
    }
}
