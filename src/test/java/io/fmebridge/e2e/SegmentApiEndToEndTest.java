package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Contract 3.2 and 3.3: the Segment-compatible API. */
class SegmentApiEndToEndTest extends RunningServiceTest {
    private static final String KEY = "web-api-key-1";

    @ParameterizedTest
    @ValueSource(strings = {"/v1/track", "/v1/track/"})
    void typedPathGivesTheTypeWhenTheMessageHasNone(String path) { // 3.2: type comes from the path when absent
        String user = unique("user");

        Answer answer = post(path, "{\"event\": \"Signed Up\", \"userId\": \"" + user + "\"}", "Authorization", basic(KEY));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("success").asBoolean()).isTrue();
        assertThat(eventsOf(user)).extracting(e -> e.path("eventTypeId").asText()).containsExactly("Signed_Up");
    }

    @Test
    void identifyPathUpdatesAttributes() {
        String user = unique("user");

        assertThat(post("/v1/identify", "{\"userId\": \"" + user + "\", \"traits\": {\"email\": \"a@b.c\"}}",
                "Authorization", basic(KEY)).status()).isEqualTo(200);

        JsonNode identity = get("/api/environments/test/traffic-types/user/identities/" + user).json();
        assertThat(identity.path("attributes").path("email").asText()).isEqualTo("a@b.c");
    }

    @Test
    void aLaterIdentifyUpdatesTheAttributesItNamesAndKeepsTheOthers() { // 3.4, identify
        String user = unique("user");
        post("/v1/identify", "{\"userId\": \"" + user + "\", \"traits\": {\"plan\": \"free\", \"age\": 30, \"beta\": true}}",
                "Authorization", basic(KEY));
        post("/v1/identify", "{\"userId\": \"" + user + "\", \"traits\": {\"plan\": \"pro\"}}", "Authorization", basic(KEY));

        JsonNode attributes = get("/api/environments/test/traffic-types/user/identities/" + user).json().path("attributes");
        assertThat(attributes.path("plan").asText()).isEqualTo("pro");
        assertThat(attributes.path("age").asInt()).isEqualTo(30);
        assertThat(attributes.path("beta").isBoolean()).isTrue();
    }

    @Test
    void groupTraitsAreMergedIntoWhatIsStored() { // 3.4, group
        String account = unique("acct");
        post("/v1/group/", "{\"userId\": \"u\", \"groupId\": \"" + account + "\", \"traits\": {\"industry\": \"retail\"}}",
                "Authorization", basic(KEY));
        post("/v1/group", "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"split\": {\"account\": \"" + account
                + "\"}, \"size\": 50}}", "Authorization", basic(KEY));

        JsonNode attributes = get("/api/environments/test/traffic-types/account/identities/" + account).json().path("attributes");
        assertThat(attributes.path("industry").asText()).isEqualTo("retail");
        assertThat(attributes.path("size").asInt()).isEqualTo(50);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/page", "/v1/page/", "/v1/screen", "/v1/screen/"})
    void pageAndScreenPathsTakeNamedViews(String path) { // 3.2, 3.4: page / screen
        String user = unique("user");

        assertThat(post(path, "{\"name\": \"Pricing Table\", \"userId\": \"" + user + "\"}", "Authorization", basic(KEY)).status())
                .isEqualTo(200);

        String kind = path.contains("page") ? "page" : "screen";
        assertThat(eventsOf(user)).extracting(e -> e.path("eventTypeId").asText()).containsExactly("view_Pricing_Table_" + kind);
    }

    @Test
    void writeKeyInTheBodyIsAccepted() { // 3.2: "writeKey": "<apiKey>" in the body
        String user = unique("user");

        Answer answer = post("/v1/track", "{\"writeKey\": \"" + KEY + "\", \"event\": \"keyed\", \"userId\": \"" + user + "\"}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(eventsOf(user)).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/batch", "/v1/import", "/v1/import/"})
    void batchLevelContextAndSentAtApplyToEveryMessage(String path) { // 3.2: batch-level fields merged into each message
        String user = unique("user");
        // The client's clock is 1 hour fast: sentAt and originalTimestamp both carry that skew.
        Instant clientNow = Instant.now().plusSeconds(3600);
        String body = """
                {"batch": [{"type": "track", "event": "skewed", "userId": "%s",
                            "originalTimestamp": "%s"}],
                 "sentAt": "%s", "context": {"library": {"name": "test"}}, "writeKey": "%s"}"""
                .formatted(user, clientNow.minusSeconds(60), clientNow, KEY);

        Answer answer = post(path, body);

        assertThat(answer.status()).isEqualTo(200);
        Instant stored = Instant.parse(eventsOf(user).get(0).path("timestamp").asText());
        // received - (sentAt - originalTimestamp) = about a minute before now, not an hour ahead
        assertThat(stored).isBetween(Instant.now().minusSeconds(120), Instant.now().minusSeconds(30));
    }

    @Test
    void wrongApiKeyIs401() {
        Answer answer = post("/v1/track", "{\"event\": \"x\", \"userId\": \"u\"}", "Authorization", basic("not-a-key"));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().path("success").asBoolean()).isFalse();
    }

    @Test
    void missingApiKeyIs401() {
        Answer answer = post("/v1/batch", "{\"batch\": []}");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().path("error").asText()).contains("missing credential");
    }

    @Test
    void aliasIsRecordedAsUnsupported() { // 3.5: unsupported_type
        String messageId = unique("alias");

        assertThat(post("/v1/alias", "{\"previousId\": \"a\", \"userId\": \"b\", \"messageId\": \"" + messageId + "\"}",
                "Authorization", basic(KEY)).status()).isEqualTo(200);

        assertThat(anyMessageId(dropped("web", "unsupported_type"), messageId)).isTrue();
    }

    @Test
    void statsCountWhatArrived() { // contract 4: stats
        long received = stats("web").path("received").asLong();
        long stored = stats("web").path("stored").asLong();
        String user = unique("user");

        post("/v1/batch", "{\"batch\": [{\"type\": \"track\", \"event\": \"a\", \"userId\": \"" + user + "\"},"
                + "{\"type\": \"track\", \"userId\": \"" + user + "\"}]}", "Authorization", basic(KEY));

        JsonNode after = stats("web");
        assertThat(after.path("received").asLong()).isEqualTo(received + 2);
        assertThat(after.path("stored").asLong()).isEqualTo(stored + 1);
        assertThat(after.path("dropped").path("missing_event_type_id").asLong()).isPositive();
    }
}
