package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/** Contract 3.1 and 3.3: Segment's webhooks destination posting to the running service. */
class SegmentWebhookEndToEndTest extends RunningServiceTest {
    private static final String SECRET = "web-hook-secret-1";

    static Stream<Arguments> credentialForms() {
        return Stream.of(
                Arguments.of("bare secret", SECRET),
                Arguments.of("Bearer", "Bearer " + SECRET),
                Arguments.of("Basic", basic(SECRET)));
    }

    static String track(String userId, String messageId, String event) {
        return """
                {"type": "track", "event": "%s", "userId": "%s", "messageId": "%s",
                 "properties": {"revenue": 19.99, "plan": "pro"},
                 "timestamp": "2026-11-01T10:00:00.000Z"}""".formatted(event, userId, messageId);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("credentialForms")
    void classicWebhookStoresOneMessage(String form, String authorization) { // 3.1: one message per POST
        String user = unique("user");
        String messageId = unique("msg");

        Answer answer = post("/api/segment/webhook/web", track(user, messageId, "Order Completed"), "Authorization", authorization);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("success").asBoolean()).isTrue();
        JsonNode events = eventsOf(user);
        assertThat(events).hasSize(1);
        JsonNode event = events.get(0);
        assertThat(event.path("eventTypeId").asText()).isEqualTo("Order_Completed");
        assertThat(event.path("trafficType").asText()).isEqualTo("user");
        assertThat(event.path("value").asDouble()).isEqualTo(19.99);
        assertThat(event.path("timestamp").asText()).isEqualTo("2026-11-01T10:00:00Z");
        assertThat(event.path("messageId").asText()).isEqualTo(messageId);
        assertThat(event.path("destinationId").asText()).isEqualTo("web");
        assertThat(event.path("properties").path("plan").asText()).isEqualTo("pro");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("credentialForms")
    void batchedWebhookStoresEveryMessage(String form, String authorization) { // 3.1: a JSON array of messages
        String user = unique("user");
        String body = "[" + track(user, unique("m"), "first") + "," + track(user, unique("m"), "second") + ","
                + "{\"type\": \"identify\", \"userId\": \"" + user + "\", \"messageId\": \"" + unique("m")
                + "\", \"traits\": {\"plan\": \"gold\", \"seats\": 5}}]";

        Answer answer = post("/api/segment/webhook/web", body, "Authorization", authorization);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(eventsOf(user)).extracting(e -> e.path("eventTypeId").asText()).containsExactlyInAnyOrder("first", "second");
        JsonNode identity = get("/api/environments/test/traffic-types/user/identities/" + user).json();
        assertThat(identity.path("attributes").path("plan").asText()).isEqualTo("gold");
        assertThat(identity.path("attributes").path("seats").isNumber()).isTrue();
    }

    @Test
    void batchEnvelopeIsAcceptedOnTheWebhookToo() { // 3.1: or {"batch": [...]}
        String user = unique("user");
        Answer answer = post("/api/segment/webhook/web", "{\"batch\": [" + track(user, unique("m"), "enveloped") + "]}",
                "Authorization", SECRET);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(eventsOf(user)).extracting(e -> e.path("eventTypeId").asText()).containsExactly("enveloped");
    }

    @Test
    void wrongSecretIs401AndStoresNothing() { // 3.3: 401 for a wrong credential
        String user = unique("user");
        Answer answer = post("/api/segment/webhook/web", track(user, unique("m"), "x"), "Authorization", "Bearer not-the-secret");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().path("success").asBoolean()).isFalse();
        assertThat(answer.json().path("error").asText()).contains("wrong credential");
        assertThat(eventsOf(user)).isEmpty();
    }

    @Test
    void missingCredentialIs401() { // 3.3: 401 for a missing credential
        Answer answer = post("/api/segment/webhook/web", track(unique("user"), unique("m"), "x"));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().path("error").asText()).contains("missing credential");
    }

    @Test
    void unknownDestinationIs404() { // 3.3: 404 for an unknown destination id
        Answer answer = post("/api/segment/webhook/nowhere", track(unique("user"), unique("m"), "x"), "Authorization", SECRET);

        assertThat(answer.status()).isEqualTo(404);
    }

    @Test
    void rightSignatureOverTheBodyIsAccepted() { // 3.1: X-Signature is the hex HMAC-SHA1 of the raw body
        String user = unique("user");
        String body = track(user, unique("m"), "signed_event");

        Answer answer = post("/api/segment/webhook/signed", body, "Authorization", "signed-hook-secret-1",
                "X-Signature", hmac(body));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(eventsOf(user)).hasSize(1);
    }

    @Test
    void batchSignedOverItsFirstMessageIsAccepted() { // 3.1: for an array, the HMAC of the first message's text
        String user = unique("user");
        String first = track(user, unique("m"), "one");
        String body = "[" + first + ", " + track(user, unique("m"), "two") + "]";

        Answer answer = post("/api/segment/webhook/signed", body, "Authorization", "signed-hook-secret-1",
                "X-Signature", hmac(first));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(eventsOf(user)).hasSize(2);
    }

    @Test
    void badSignatureIs401AndStoresNothing() { // 3.3: 401 for a wrong signature
        String user = unique("user");
        String body = track(user, unique("m"), "tampered");

        Answer answer = post("/api/segment/webhook/signed", body, "Authorization", "signed-hook-secret-1",
                "X-Signature", hmac(body + " "));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().path("error").asText()).contains("X-Signature");
        assertThat(eventsOf(user)).isEmpty();
    }

    @Test
    void missingSignatureIs401WhenTheDestinationChecksThem() {
        Answer answer = post("/api/segment/webhook/signed", track(unique("user"), unique("m"), "x"),
                "Authorization", "signed-hook-secret-1");

        assertThat(answer.status()).isEqualTo(401);
    }

    @Test
    void bodyThatIsNotJsonIs400NamingWhere() { // 3.3: "body is not valid JSON at line 1, column 17"
        Answer answer = post("/api/segment/webhook/web", "{\"type\": \"track\", oops}", "Authorization", SECRET);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("success").asBoolean()).isFalse();
        assertThat(answer.json().path("error").asText()).startsWith("body is not valid JSON at line 1, column ");
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void bodyThatIsNoMessageIs400() { // 3.3: not a message, array or batch
        Answer answer = post("/api/segment/webhook/web", "42", "Authorization", SECRET);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("error").asText()).contains("not a Segment message");
    }

    @Test
    void singleMessageOver32KbIs400() { // 3.3: a single-message request whose message is over 32 KB
        String user = unique("user");
        String body = "{\"type\": \"track\", \"event\": \"big\", \"userId\": \"" + user + "\", \"properties\": {\"blob\": \""
                + "x".repeat(33 * 1024) + "\"}}";

        Answer answer = post("/api/segment/webhook/web", body, "Authorization", SECRET);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("error").asText()).contains("over 32 KB");
        assertThat(eventsOf(user)).isEmpty();
    }

    @Test
    void messageOver32KbInABatchIsDroppedAndTheOthersStored() { // 3.3: one message's problem does not fail the request
        String user = unique("user");
        String bigId = unique("big");
        String big = "{\"type\": \"track\", \"event\": \"big\", \"userId\": \"" + user + "\", \"messageId\": \"" + bigId
                + "\", \"properties\": {\"blob\": \"" + "x".repeat(33 * 1024) + "\"}}";
        String body = "[" + track(user, unique("m"), "small") + "," + big + "]";

        Answer answer = post("/api/segment/webhook/web", body, "Authorization", SECRET);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(eventsOf(user)).extracting(e -> e.path("eventTypeId").asText()).containsExactly("small");
        JsonNode drops = dropped("web", "message_too_large");
        assertThat(anyMessageId(drops, bigId)).isTrue();
    }

    @Test
    void requestOver500KbIs400() { // 3.3: a request over 500 KB
        StringBuilder body = new StringBuilder("[");
        String user = unique("user");
        for (int i = 0; i < 40; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\": \"track\", \"event\": \"bulk\", \"userId\": \"").append(user)
                    .append("\", \"properties\": {\"blob\": \"").append("y".repeat(14_000)).append("\"}}");
        }
        body.append("]");
        assertThat(body.length()).isGreaterThan(500 * 1024);

        Answer answer = post("/api/segment/webhook/web", body.toString(), "Authorization", SECRET);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("error").asText()).contains("over 500 KB");
        assertThat(eventsOf(user)).isEmpty();
    }

    @Test
    void moreThan2500MessagesIs400() { // 3.3: more than 2,500 messages
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 2501; i++) {
            body.append(i == 0 ? "" : ",").append("{}");
        }
        body.append("]");

        Answer answer = post("/api/segment/webhook/web", body.toString(), "Authorization", SECRET);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("error").asText()).contains("2500");
    }

    @Test
    void sameMessageIdTwiceIsCountedAsDuplicateAndStoredOnce() { // 3.4: duplicates
        String user = unique("user");
        String messageId = unique("m");
        long before = stats("web").path("duplicates").asLong();

        assertThat(post("/api/segment/webhook/web", track(user, messageId, "once"), "Authorization", SECRET).status()).isEqualTo(200);
        assertThat(post("/api/segment/webhook/web", track(user, messageId, "once"), "Authorization", SECRET).status()).isEqualTo(200);

        assertThat(eventsOf(user)).hasSize(1);
        assertThat(stats("web").path("duplicates").asLong()).isEqualTo(before + 1);
        assertThat(anyMessageId(dropped("web", "duplicate"), messageId)).isTrue();
    }

    private static String hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec("signed-signing-secret-1".getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
