package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Settings without code: the admin API under /api/admin/ changes environments, destinations and
 * sources while the service runs, with the file's checks and messages, and the change applies to
 * the next request.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdminApiTest extends RunningServiceTest {

    private static String destination(String id) {
        return """
                {"id": "%s", "environment": "test", "trafficType": "user", "identity": "userId",
                 "identify": true, "track": true, "eventTypeIdField": "event", "valueField": "properties.revenue",
                 "namedPages": true, "namedScreens": true}""".formatted(id);
    }

    private String track(String user) {
        return "{\"type\": \"track\", \"event\": \"bought\", \"userId\": \"" + user + "\", \"properties\": {\"revenue\": 5}}";
    }

    @Test
    void aCreatedDestinationAnswersItsCredentialsOnceAndTheyWorkAtOnce(CapturedOutput output) {
        String id = unique("made").substring(0, 30);
        Answer created = admin("POST", "/api/admin/destinations", destination(id));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode answer = created.json();
        String secret = answer.path("webhookSecret").asText();
        String apiKey = answer.path("apiKey").asText();
        assertThat(secret).hasSizeGreaterThan(20);
        assertThat(apiKey).hasSizeGreaterThan(20).isNotEqualTo(secret);
        assertThat(answer.path("webhookUrl").asText()).endsWith("/api/segment/webhook/" + id);
        assertThat(answer.has("signingSecret")).as("only on request").isFalse();

        String user = unique("u");
        assertThat(post("/api/segment/webhook/" + id, track(user), "Authorization", secret).status()).isEqualTo(200);
        assertThat(post("/v1/track", track(user), "Authorization", basic(apiKey)).status()).isEqualTo(200);
        JsonNode events = eventsOf(user);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).path("destinationId").asText()).isEqualTo(id);

        Answer read = admin("GET", "/api/admin/destinations/" + id, null);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).doesNotContain(secret).doesNotContain(apiKey).contains("\"trafficType\":\"user\"");
        Answer export = admin("GET", "/api/admin/settings", null);
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.body()).doesNotContain(secret).doesNotContain(apiKey).contains("apiKeyHash: sha256:")
                .contains("webhookSecretHash: sha256:");
        assertThat(output.getAll()).as("logs").doesNotContain(secret).doesNotContain(apiKey);
    }

    @Test
    void aSigningSecretIsMadeOnRequestAndChecked() {
        String id = unique("sig").substring(0, 30);
        Answer created = admin("POST", "/api/admin/destinations?signingSecret=true", destination(id));
        assertThat(created.status()).isEqualTo(201);
        String signingSecret = created.json().path("signingSecret").asText();
        assertThat(signingSecret).hasSizeGreaterThan(20);
        String secret = created.json().path("webhookSecret").asText();
        String body = track(unique("u"));
        assertThat(post("/api/segment/webhook/" + id, body, "Authorization", secret).status()).as("no signature").isEqualTo(401);
        String signature = hmacSha1(signingSecret, body);
        assertThat(post("/api/segment/webhook/" + id, body, "Authorization", secret, "X-Signature", signature).status()).isEqualTo(200);
        assertThat(admin("GET", "/api/admin/destinations/" + id, null).json().path("signed").asBoolean()).isTrue();
    }

    @Test
    void rotationReplacesTheCredentialsAndTheOldOnesStopAtOnce() {
        String id = unique("rot").substring(0, 30);
        JsonNode first = admin("POST", "/api/admin/destinations", destination(id)).json();
        String oldSecret = first.path("webhookSecret").asText();
        String oldKey = first.path("apiKey").asText();

        Answer rotated = admin("POST", "/api/admin/destinations/" + id + "/rotate", null);
        assertThat(rotated.status()).isEqualTo(200);
        String newSecret = rotated.json().path("webhookSecret").asText();
        String newKey = rotated.json().path("apiKey").asText();
        assertThat(newSecret).isNotEqualTo(oldSecret);
        assertThat(newKey).isNotEqualTo(oldKey);

        assertThat(post("/api/segment/webhook/" + id, track("u"), "Authorization", oldSecret).status()).isEqualTo(401);
        assertThat(post("/v1/track", track("u"), "Authorization", basic(oldKey)).status()).isEqualTo(401);
        assertThat(post("/api/segment/webhook/" + id, track("u"), "Authorization", newSecret).status()).isEqualTo(200);
        assertThat(post("/v1/track", track("u"), "Authorization", basic(newKey)).status()).isEqualTo(200);
    }

    @Test
    void anUpdateAppliesToTheNextRequestAndKeepsTheCredentials() {
        String id = unique("upd").substring(0, 30);
        String secret = admin("POST", "/api/admin/destinations", destination(id)).json().path("webhookSecret").asText();
        Answer updated = admin("PUT", "/api/admin/destinations/" + id, destination(id).replace("\"track\": true", "\"track\": false"));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().path("track").asBoolean()).isFalse();

        String messageId = unique("m");
        String body = "{\"type\": \"track\", \"event\": \"e\", \"userId\": \"u\", \"messageId\": \"" + messageId + "\"}";
        assertThat(post("/api/segment/webhook/" + id, body, "Authorization", secret).status()).isEqualTo(200);
        assertThat(anyMessageId(dropped(id, "track_disabled"), messageId)).isTrue();
    }

    @Test
    void wrongSettingsAreRefusedWithTheFilesMessages() {
        Answer unknownTrafficType = admin("POST", "/api/admin/destinations", destination("bad-tt").replace("\"trafficType\": \"user\"",
                "\"trafficType\": \"robot\""));
        assertThat(unknownTrafficType.status()).isEqualTo(400);
        assertThat(unknownTrafficType.json().path("error").asText())
                .contains("'bad-tt'").contains("trafficType 'robot' is not a traffic type of environment 'test'");

        Answer unknownField = admin("POST", "/api/admin/destinations", "{\"id\": \"x-1\", \"colour\": \"red\"}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.json().path("error").asText()).contains("unknown setting 'colour'");

        Answer givenKey = admin("POST", "/api/admin/destinations", destination("given").replace("}", ", \"apiKey\": \"my-own-key-1\"}"));
        assertThat(givenKey.status()).isEqualTo(400);
        assertThat(givenKey.json().path("error").asText()).contains("credentials are generated");

        Answer badPath = admin("POST", "/api/admin/destinations", destination("bad-path").replace("\"event\"", "\"$.[\""));
        assertThat(badPath.status()).isEqualTo(400);
        assertThat(badPath.json().path("error").asText()).contains("eventTypeIdField");

        assertThat(admin("POST", "/api/admin/destinations", "not json").status()).isEqualTo(400);
        assertThat(admin("POST", "/api/admin/destinations", destination("web")).status()).as("taken id").isEqualTo(409);
        assertThat(admin("GET", "/api/admin/destinations/nope", null).status()).isEqualTo(404);
        assertThat(admin("PUT", "/api/admin/destinations/nope", destination("nope")).status()).isEqualTo(404);
        assertThat(admin("DELETE", "/api/admin/destinations/nope", null).status()).isEqualTo(404);
        assertThat(admin("PUT", "/api/admin/destinations/web", destination("other")).status()).as("id is fixed").isEqualTo(400);
    }

    @Test
    void environmentsAreCreatedUpdatedAndDeletedButNotWhileInUse() {
        String env = unique("env").substring(0, 30);
        Answer created = admin("POST", "/api/admin/environments", """
                {"id": "%s", "name": "Staging", "trafficTypes": ["user", "account"], "sdkKeys": ["sdk-%s"]}""".formatted(env, env));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("sdkKeyCount").asInt()).isEqualTo(1);
        assertThat(created.body()).doesNotContain("sdk-" + env);
        assertThat(post("/api/testImpressions/bulk", "[]", "Authorization", "Bearer sdk-" + env).status())
                .as("the SDK key selects the new environment").isEqualTo(200);

        Answer updated = admin("PUT", "/api/admin/environments/" + env, """
                {"name": "Staging 2", "trafficTypes": ["user", "account", "anonymous"]}""");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().path("trafficTypes")).hasSize(3);
        assertThat(updated.json().path("sdkKeyCount").asInt()).as("keys left out are kept").isEqualTo(1);

        String dest = unique("d").substring(0, 30);
        assertThat(admin("POST", "/api/admin/destinations", destination(dest).replace("\"test\"", "\"" + env + "\"")).status()).isEqualTo(201);
        Answer inUse = admin("DELETE", "/api/admin/environments/" + env, null);
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.json().path("error").asText()).contains("destination '" + dest + "'");

        assertThat(admin("DELETE", "/api/admin/destinations/" + dest, null).status()).isEqualTo(204);
        assertThat(admin("DELETE", "/api/admin/environments/" + env, null).status()).isEqualTo(204);
        assertThat(admin("GET", "/api/admin/environments/" + env, null).status()).isEqualTo(404);
        assertThat(post("/api/testImpressions/bulk", "[]", "Authorization", "Bearer sdk-" + env).status()).isEqualTo(401);
    }

    @Test
    void sourcesKeepTheirWriteKeyOutOfEveryAnswer() {
        String id = unique("src").substring(0, 30);
        Answer created = admin("POST", "/api/admin/sources", """
                {"id": "%s", "environment": "test", "writeKey": "wk-secret-%s", "endpoint": "https://events.eu1.segmentapis.com",
                 "identities": {"user": "userId", "anonymous": "anonymousId"}}""".formatted(id, id));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("wk-secret").contains("\"writeKeySet\":true").contains("eu1");

        Answer badEndpoint = admin("PUT", "/api/admin/sources/" + id, """
                {"environment": "test", "endpoint": "ftp://example.com"}""");
        assertThat(badEndpoint.status()).isEqualTo(400);
        assertThat(badEndpoint.json().path("error").asText()).contains("endpoint must be an http(s) URL");

        Answer updated = admin("PUT", "/api/admin/sources/" + id, """
                {"environment": "test", "endpoint": "https://api.segment.io", "batch": {"maxMessages": 50}}""");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().path("batch").path("maxMessages").asInt()).isEqualTo(50);
        assertThat(admin("GET", "/api/admin/settings", null).body()).as("the write key is kept")
                .contains("writeKey: wk-secret-" + id);
        assertThat(admin("GET", "/api/admin/sources", null).body()).contains(id).doesNotContain("wk-secret");
        assertThat(admin("DELETE", "/api/admin/sources/" + id, null).status()).isEqualTo(204);
        assertThat(admin("GET", "/api/admin/sources/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void theExportCanBeImportedAgainAndEveryCredentialStillWorks() {
        String exported = admin("GET", "/api/admin/settings", null).body();
        assertThat(exported).contains("environments:").contains("destinations:").doesNotContain("web-hook-secret-1")
                .doesNotContain("web-api-key-1").contains("signingSecret: signed-signing-secret-1");

        Answer imported = admin("PUT", "/api/admin/settings", exported);
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertThat(post("/api/segment/webhook/web", track(unique("u")), "Authorization", "web-hook-secret-1").status()).isEqualTo(200);
        assertThat(post("/v1/track", track(unique("u")), "Authorization", basic("web-api-key-1")).status()).isEqualTo(200);

        Answer broken = admin("PUT", "/api/admin/settings", "environments: [{id: x}]");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().path("error").asText()).contains("environments[0] 'x': trafficTypes is missing");
        assertThat(eventually(() -> post("/api/segment/webhook/web", track("u"), "Authorization", "web-hook-secret-1").status(),
                s -> s == 200, Duration.ofSeconds(5))).as("nothing changed by a refused import").isEqualTo(200);
    }

    @Test
    void aPatchChangesOnlyTheFieldsItNamesAndNullPutsADefaultBack() {
        String id = unique("pat").substring(0, 30);
        String secret = admin("POST", "/api/admin/destinations", destination(id)).json().path("webhookSecret").asText();
        Answer patched = admin("PATCH", "/api/admin/destinations/" + id, "{\"namedPages\": false, \"valueField\": null}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        JsonNode view = patched.json();
        assertThat(view.path("namedPages").asBoolean()).isFalse();
        assertThat(view.path("valueField").isNull()).as("removed").isTrue();
        assertThat(view.path("trafficType").asText()).as("kept").isEqualTo("user");
        assertThat(view.path("identity").asText()).isEqualTo("userId");
        assertThat(post("/api/segment/webhook/" + id, track(unique("u")), "Authorization", secret).status()).as("credentials kept")
                .isEqualTo(200);
        assertThat(admin("PATCH", "/api/admin/destinations/" + id, "{\"colour\": 1}").status()).isEqualTo(400);
        assertThat(admin("PATCH", "/api/admin/destinations/" + id, "{\"webhookSecret\": \"mine-mine-mine\"}").status()).isEqualTo(400);
        assertThat(admin("PATCH", "/api/admin/destinations/nope", "{}").status()).isEqualTo(404);
    }

    @Test
    void anImportWithAnOutdatedVersionIsRefusedSoRotatedCredentialsStayRotated() {
        String id = unique("old").substring(0, 30);
        admin("POST", "/api/admin/destinations", destination(id));
        Answer export = admin("GET", "/api/admin/settings", null);
        String etag = export.response().headers().firstValue("ETag").orElseThrow();
        String rotated = admin("POST", "/api/admin/destinations/" + id + "/rotate", null).json().path("webhookSecret").asText();

        Answer stale = send("PUT", "/api/admin/settings", export.body(), "If-Match", etag);
        assertThat(stale.status()).isEqualTo(409);
        assertThat(post("/api/segment/webhook/" + id, track(unique("u")), "Authorization", rotated).status()).isEqualTo(200);

        Answer fresh = admin("GET", "/api/admin/settings", null);
        Answer current = send("PUT", "/api/admin/settings", fresh.body(), "If-Match",
                fresh.response().headers().firstValue("ETag").orElseThrow());
        assertThat(current.status()).as(current.body()).isEqualTo(200);
    }

    private Answer send(String method, String path, String body, String header, String value) {
        try {
            java.net.http.HttpResponse<String> response = HTTP.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://localhost:" + port + path))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN).header(header, value)
                    .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String hmacSha1(String secret, String body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA1"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
