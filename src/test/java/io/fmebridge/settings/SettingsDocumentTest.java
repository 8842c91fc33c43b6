package io.fmebridge.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.fmebridge.destination.Credentials;

/** The settings written back in the file's format: what the database keeps and the export gives. */
class SettingsDocumentTest {
    private static final String FILE = """
            environments:
              - id: prod
                name: Production
                trafficTypes: [user, account, anonymous]
                sdkKeys: [sdk-key-prod-1]
                defaultTrafficType: account
                flagTrafficTypes: {new_checkout: user}
            destinations:
              - id: web
                environment: prod
                trafficType: user
                identity: anonymousId
                valueField: $.properties['order total']
                namedScreens: false
                apiKey: dest-key-1
                webhookSecret: hook-secret-1
                signingSecret: sign-secret-1
            sources:
              - id: eu
                environment: prod
                writeKey: wk-prod-1
                endpoint: https://events.eu1.segmentapis.com/
                identities: {anonymous: anonymousId}
                batch: {maxMessages: 50, maxDelay: 500ms}
            """;

    @Test
    void theWrittenDocumentReadsBackToTheSameSettings() {
        IntegrationSettings original = SettingsLoader.parse("f", FILE);
        String written = SettingsDocument.yaml(original);
        IntegrationSettings again = SettingsLoader.parse("again", written);

        assertThat(SettingsDocument.yaml(again)).isEqualTo(written);
        Destination web = again.destination("web").orElseThrow();
        assertThat(web.identity()).isEqualTo(Destination.Identity.anonymousId);
        assertThat(web.valueField()).hasToString("$.properties['order total']");
        assertThat(web.namedScreens()).isFalse();
        assertThat(web.apiKeyHash()).isEqualTo(Credentials.hash("dest-key-1"));
        assertThat(again.destinationByApiKey("dest-key-1")).isPresent();
        assertThat(again.environmentBySdkKey("sdk-key-prod-1")).isPresent();
        Source eu = again.source("eu").orElseThrow();
        assertThat(eu.maxDelay()).hasMillis(500);
        assertThat(eu.endpoint()).isEqualTo("https://events.eu1.segmentapis.com");
        assertThat(again.environment("prod").orElseThrow().trafficTypes()).containsExactly("user", "account", "anonymous");
    }

    @Test
    void inboundCredentialsAreWrittenAsHashesAndOutboundOnesAsTheyAre() {
        String written = SettingsDocument.yaml(SettingsLoader.parse("f", FILE));
        assertThat(written).doesNotContain("dest-key-1").doesNotContain("hook-secret-1").doesNotContain("sdk-key-prod-1")
                .contains("apiKeyHash: sha256:" + Credentials.hash("dest-key-1"))
                .contains("webhookSecretHash: sha256:" + Credentials.hash("hook-secret-1"))
                .contains("sdkKeyHashes:")
                .contains("writeKey: wk-prod-1")          // needed to call Segment
                .contains("signingSecret: sign-secret-1"); // needed to compute the HMAC
    }

    @Test
    void aCredentialAndItsHashTogetherOrABadHashAreRefused() {
        String both = FILE.replace("apiKey: dest-key-1", "apiKey: dest-key-1\n    apiKeyHash: sha256:" + "a".repeat(64));
        assertThatThrownBy(() -> SettingsLoader.parse("f", both)).hasMessage("f: destinations[0] 'web': give apiKey or apiKeyHash, not both");
        String bad = FILE.replace("apiKey: dest-key-1", "apiKeyHash: sha256:abc");
        assertThatThrownBy(() -> SettingsLoader.parse("f", bad))
                .hasMessage("f: destinations[0] 'web': apiKeyHash must be sha256: followed by 64 hex digits");
    }

    @Test
    void durationsAreWrittenInTheirShortestExactForm() {
        assertThat(DurationText.format(java.time.Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(DurationText.format(java.time.Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(DurationText.format(java.time.Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(DurationText.format(java.time.Duration.ofHours(4))).isEqualTo("4h");
        assertThat(DurationText.format(java.time.Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
