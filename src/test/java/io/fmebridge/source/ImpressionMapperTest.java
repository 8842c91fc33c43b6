package io.fmebridge.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fmebridge.settings.Environment;
import io.fmebridge.settings.IntegrationSettings;
import io.fmebridge.settings.SettingsLoader;
import io.fmebridge.settings.Source;

/** Contract 5.2, "Impressions out": one impression becomes one Segment track per source. */
class ImpressionMapperTest {
    private static final String SETTINGS = """
            environments:
              - id: prod
                name: Production
                trafficTypes: [user, account, anonymous]
                sdkKeys: [sdk-key-prod-1]
                defaultTrafficType: user
                flagTrafficTypes:
                  new_checkout: user
                  billing_v2: account
                  guest_banner: anonymous
            sources:
              - id: prod-segment
                environment: prod
                writeKey: wk-prod-1
                endpoint: https://api.segment.io
                identities:
                  user: userId
                  anonymous: anonymousId
              - id: prod-segment-eu
                environment: prod
                writeKey: wk-prod-2
                endpoint: https://events.eu1.segmentapis.com
            """;
    private static final long TIME = 1_712_345_678_901L;

    private final ObjectMapper json = new ObjectMapper();
    private final IntegrationSettings settings = SettingsLoader.parse("test.yml", SETTINGS);
    private final Environment prod = settings.environment("prod").orElseThrow();
    private final Source withIdentities = settings.source("prod-segment").orElseThrow();
    private final Source withoutIdentities = settings.source("prod-segment-eu").orElseThrow();
    private final ImpressionMapper mapper = new ImpressionMapper(json, "fme-segment-bridge", "1.2.3");

    private static Impression impression(String flag, String key) {
        return new Impression("prod", flag, key, "on", TIME, 1_712_345_000_000L, "default rule", "bucket-7");
    }

    private static Impression impression() {
        return impression("new_checkout", "user-42");
    }

    private JsonNode message(Impression impression, Source source) throws Exception {
        return json.readTree(mapper.toSegment(impression, prod, source).json());
    }

    // ---- traffic type -------------------------------------------------------------------------

    @Test
    void trafficTypeIsTheFlagsInFlagTrafficTypes() throws Exception {      // contract 5.2: "the impression's flag's in flagTrafficTypes"
        assertThat(message(impression("billing_v2", "acct-1"), withIdentities).at("/properties/trafficType").asText())
                .isEqualTo("account");
    }

    @Test
    void trafficTypeIsTheDefaultForAFlagNotInFlagTrafficTypes() throws Exception { // contract 5.2: "else defaultTrafficType"
        assertThat(message(impression("unlisted_flag", "user-1"), withIdentities).at("/properties/trafficType").asText())
                .isEqualTo("user");
    }

    // ---- identity field -----------------------------------------------------------------------

    @Test
    void keyGoesInUserIdWhenTheSourceSaysUserIdForTheTrafficType() throws Exception { // contract 5.2: source's identities
        JsonNode message = message(impression("new_checkout", "user-42"), withIdentities);
        assertThat(message.path("userId").asText()).isEqualTo("user-42");
        assertThat(message.has("anonymousId")).isFalse();
    }

    @Test
    void keyGoesInAnonymousIdWhenTheSourceSaysAnonymousIdForTheTrafficType() throws Exception { // contract 5.2: source's identities
        JsonNode message = message(impression("guest_banner", "anon-9"), withIdentities);
        assertThat(message.path("anonymousId").asText()).isEqualTo("anon-9");
        assertThat(message.has("userId")).isFalse();
    }

    @Test
    void keyGoesInUserIdForATrafficTypeTheSourceDoesNotName() throws Exception { // contract 5.2: "(default userId)"
        JsonNode message = message(impression("billing_v2", "acct-1"), withIdentities);
        assertThat(message.path("userId").asText()).isEqualTo("acct-1");
        assertThat(message.has("anonymousId")).isFalse();
    }

    @Test
    void keyGoesInUserIdForASourceWithoutIdentities() throws Exception {   // contract 5.2: "(default userId)"
        JsonNode message = message(impression("guest_banner", "anon-9"), withoutIdentities);
        assertThat(message.path("userId").asText()).isEqualTo("anon-9");
        assertThat(message.has("anonymousId")).isFalse();
    }

    // ---- the message --------------------------------------------------------------------------

    @Test
    void messageIsATrackNamedGetTreatment() throws Exception {              // contract 5.2: "type": "track", "event": "get_treatment"
        JsonNode message = message(impression(), withIdentities);
        assertThat(message.path("type").asText()).isEqualTo("track");
        assertThat(message.path("event").asText()).isEqualTo("get_treatment");
    }

    @Test
    void propertiesCarryTheImpressionAndItsEnvironment() throws Exception {  // contract 5.2: the properties of the example
        JsonNode properties = message(impression(), withIdentities).path("properties");
        assertThat(properties.path("split").asText()).isEqualTo("new_checkout");
        assertThat(properties.path("treatment").asText()).isEqualTo("on");
        assertThat(properties.path("label").asText()).isEqualTo("default rule");
        assertThat(properties.path("changeNumber").isIntegralNumber()).as("changeNumber is a number").isTrue();
        assertThat(properties.path("changeNumber").asLong()).isEqualTo(1_712_345_000_000L);
        assertThat(properties.path("environmentId").asText()).isEqualTo("prod");
        assertThat(properties.path("environmentName").asText()).isEqualTo("Production");
        assertThat(properties.path("trafficType").asText()).isEqualTo("user");
        assertThat(properties.path("bucketingKey").asText()).isEqualTo("bucket-7");
    }

    @Test
    void timestampIsTheImpressionTimeAsIso8601() throws Exception {        // contract 5.2: "timestamp": "<impression time, ISO-8601>"
        String timestamp = message(impression(), withIdentities).path("timestamp").asText();
        assertThat(Instant.from(DateTimeFormatter.ISO_DATE_TIME.parse(timestamp))).isEqualTo(Instant.ofEpochMilli(TIME));
        assertThat(timestamp).isEqualTo("2024-04-05T19:34:38.901Z");
    }

    @Test
    void contextLibraryNamesThisProductAndItsVersion() throws Exception {   // contract 5.2: context.library {name, version}
        JsonNode library = message(impression(), withIdentities).at("/context/library");
        assertThat(library.path("name").asText()).isEqualTo("fme-segment-bridge");
        assertThat(library.path("version").asText()).isEqualTo("1.2.3");
    }

    @Test
    void messageIdInTheJsonIsTheOutboundMessagesMessageId() throws Exception { // contract 5.2: "messageId"
        OutboundMessage out = mapper.toSegment(impression(), prod, withIdentities);
        assertThat(json.readTree(out.json()).path("messageId").asText()).isNotBlank().isEqualTo(out.messageId());
        assertThat(out.sourceId()).isEqualTo("prod-segment");
    }

    // ---- messageId ----------------------------------------------------------------------------

    @Test
    void messageIdIsTheSameForTheSameImpressionAndSourceEveryTime() {       // contract 5.2: "stable across retries and restarts"
        String first = mapper.toSegment(impression(), prod, withIdentities).messageId();
        String again = mapper.toSegment(impression(), prod, withIdentities).messageId();
        ImpressionMapper afterRestart = new ImpressionMapper(new ObjectMapper(), "fme-segment-bridge", "1.2.3");
        String restarted = afterRestart.toSegment(impression(), prod, withIdentities).messageId();
        assertThat(again).isEqualTo(first);
        assertThat(restarted).isEqualTo(first);
    }

    @Test
    void messageIdDiffersForAnotherSource() {                               // contract 5.2: "different for each source"
        String one = mapper.toSegment(impression(), prod, withIdentities).messageId();
        String other = mapper.toSegment(impression(), prod, withoutIdentities).messageId();
        assertThat(other).isNotEqualTo(one);
    }

    @Test
    void messageIdDiffersForAnotherImpression() {                           // contract 5.2: "derived from the impression"
        Impression base = impression();
        String id = mapper.toSegment(base, prod, withIdentities).messageId();
        assertThat(mapper.toSegment(impression("new_checkout", "user-43"), prod, withIdentities).messageId()).isNotEqualTo(id);
        assertThat(mapper.toSegment(impression("billing_v2", "user-42"), prod, withIdentities).messageId()).isNotEqualTo(id);
        assertThat(mapper.toSegment(new Impression("prod", "new_checkout", "user-42", "off", TIME, 1_712_345_000_000L,
                "default rule", "bucket-7"), prod, withIdentities).messageId()).isNotEqualTo(id);
        assertThat(mapper.toSegment(new Impression("prod", "new_checkout", "user-42", "on", TIME + 1, 1_712_345_000_000L,
                "default rule", "bucket-7"), prod, withIdentities).messageId()).isNotEqualTo(id);
    }

    // ---- size ---------------------------------------------------------------------------------

    @Test
    void sizeBytesIsTheUtf8LengthOfTheJson() {                              // contract 5.2: "No message over 32 KB" is measured in bytes
        Impression multibyte = new Impression("prod", "new_checkout", "usér-42", "ön", TIME, null, "règle — défaut", null);
        for (Impression i : new Impression[] {impression(), multibyte}) {
            OutboundMessage out = mapper.toSegment(i, prod, withIdentities);
            assertThat(out.sizeBytes()).isEqualTo(out.json().getBytes(StandardCharsets.UTF_8).length);
        }
        OutboundMessage out = mapper.toSegment(multibyte, prod, withIdentities);
        assertThat(out.sizeBytes()).isGreaterThan(out.json().length());
    }
}
