package io.fmebridge.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The settings file of contract section 2, and how a wrong one stops start-up. */
class SettingsLoaderTest {
    private static final String ENVIRONMENTS = """
            environments:
              - id: prod
                trafficTypes: [user, account, anonymous]
            """;

    private static final String DESTINATION = """
            destinations:
              - id: prod-web
                environment: prod
                trafficType: user
                apiKey: dest-key-1
                webhookSecret: hook-secret-1
            """;

    /** The message of the SettingsException that the file {@code test.yml} with this text fails with. */
    private static String failure(String yaml) {
        var e = catchThrowableOfType(SettingsException.class, () -> SettingsLoader.parse("test.yml", yaml));
        assertThat(e).as("a SettingsException").isNotNull();
        assertThat(e.getMessage()).as("names the file").startsWith("test.yml: ");
        return e.getMessage();
    }

    @Test
    void theShippedIntegrationsFileLoads() {                          // contract 1, 2: config/integrations.yml
        var settings = SettingsLoader.load(Path.of("config/integrations.yml"));
        assertThat(settings.environment("prod")).isPresent();
        var destination = settings.destination("prod-web").orElseThrow();
        assertThat(destination.environment()).isEqualTo("prod");
        assertThat(destination.trafficType()).isEqualTo("user");
        assertThat(settings.source("prod-segment")).isPresent();
    }

    @Test
    void theContractsExampleLoads() {                                 // contract 2: the example file
        String yaml = """
                environments:
                  - id: prod
                    name: Production
                    trafficTypes: [user, account, anonymous]
                    sdkKeys: [sdk-key-prod-1]
                    defaultTrafficType: user
                    flagTrafficTypes:
                      new_checkout: user
                      billing_v2: account
                destinations:
                  - id: prod-web
                    environment: prod
                    trafficType: user
                    identity: userId
                    anonymousTrafficType: anonymous
                    identify: true
                    track: true
                    eventTypeIdField: event
                    valueField: properties.revenue
                    namedPages: true
                    namedScreens: true
                    pageEventTemplate: "view_{name}_page"
                    screenEventTemplate: "view_{name}_screen"
                    groupTrafficType: account
                    apiKey: dest-key-1
                    webhookSecret: hook-secret-1
                    signingSecret: sign-secret-1
                sources:
                  - id: prod-segment
                    environment: prod
                    writeKey: wk-prod-1
                    endpoint: https://api.segment.io
                    identities:
                      user: userId
                      anonymous: anonymousId
                    batch: {maxMessages: 100, maxBytes: 460000, maxDelay: 2s}
                """;
        var settings = SettingsLoader.parse("test.yml", yaml);
        var destination = settings.destination("prod-web").orElseThrow();
        assertThat(destination.anonymousTrafficType()).isEqualTo("anonymous");
        assertThat(destination.groupTrafficType()).isEqualTo("account");
        assertThat(destination.signingSecret()).isEqualTo("sign-secret-1");
        var source = settings.source("prod-segment").orElseThrow();
        assertThat(source.maxMessages()).isEqualTo(100);
        assertThat(source.maxBytes()).isEqualTo(460000);
    }

    @Test
    void aValidFileLoads() {                                          // contract 2
        var settings = SettingsLoader.parse("test.yml", ENVIRONMENTS + DESTINATION);
        assertThat(settings.destination("prod-web")).isPresent();
    }

    @Test
    void anIdThatCannotStandInAUrlIsRefused() {                       // ids appear in webhook URLs and the database
        String message = failure(ENVIRONMENTS + DESTINATION.replace("id: prod-web", "id: \"prod web/1\""));
        assertThat(message).contains("destinations[0]").contains("id 'prod web/1'");
    }

    @Test
    void anUnknownEnvironmentNamesFileEntryAndProblem() {             // contract 2: a settings file that is wrong
        String message = failure(ENVIRONMENTS + DESTINATION.replace("environment: prod", "environment: staging"));
        assertThat(message).contains("destinations[0] 'prod-web'").contains("unknown environment 'staging'");
    }

    @Test
    void aMissingApiKeyNamesFileEntryAndProblem() {                   // contract 2: missing credential
        String message = failure(ENVIRONMENTS + DESTINATION.replace("    apiKey: dest-key-1\n", ""));
        assertThat(message).contains("destinations[0] 'prod-web'").contains("apiKey is missing");
    }

    @Test
    void aMissingWebhookSecretNamesFileEntryAndProblem() {            // contract 2: missing credential
        String message = failure(ENVIRONMENTS + DESTINATION.replace("    webhookSecret: hook-secret-1\n", ""));
        assertThat(message).contains("destinations[0] 'prod-web'").contains("webhookSecret is missing");
    }

    @Test
    void aDuplicateDestinationIdNamesFileEntryAndProblem() {          // contract 2: duplicate id
        String second = """
                  - id: prod-web
                    environment: prod
                    trafficType: user
                    apiKey: dest-key-2
                    webhookSecret: hook-secret-2
                """;
        String message = failure(ENVIRONMENTS + DESTINATION + second);
        assertThat(message).contains("destinations[1] 'prod-web'").contains("duplicate id 'prod-web'");
    }

    @Test
    void aBadEventTypeIdFieldPathNamesFileEntryAndProblem() {         // contract 2: bad path
        String message = failure(ENVIRONMENTS + DESTINATION + "    eventTypeIdField: properties..name\n");
        assertThat(message).contains("destinations[0] 'prod-web'").contains("eventTypeIdField").contains("properties..name");
    }

    @Test
    void aBadJsonPathNamesFileEntryAndProblem() {                     // contract 2: bad path
        String message = failure(ENVIRONMENTS + DESTINATION + "    valueField: \"$.properties['order total'\"\n");
        assertThat(message).contains("destinations[0] 'prod-web'").contains("valueField").contains("not a valid JSONPath");
    }

    @Test
    void anUnterminatedJsonPathBracketIsABadPath() {                  // contract 2: bad path
        String message = failure(ENVIRONMENTS + DESTINATION + "    valueField: \"$.properties[\"\n");
        assertThat(message).contains("destinations[0] 'prod-web'").contains("valueField");
    }

    @Test
    void aJsonPathThatMaySelectSeveralValuesIsABadPath() {            // contract 2: field paths name one field
        String message = failure(ENVIRONMENTS + DESTINATION + "    valueField: \"$..revenue\"\n");
        assertThat(message).contains("destinations[0] 'prod-web'").contains("valueField");
    }

    @Test
    void anUnknownTrafficTypeNamesFileEntryAndProblem() {             // contract 2
        String message = failure(ENVIRONMENTS + DESTINATION.replace("trafficType: user", "trafficType: visitor"));
        assertThat(message).contains("destinations[0] 'prod-web'").contains("visitor").contains("not a traffic type");
    }

    @Test
    void aMisspelledSettingNamesFileEntryAndProblem() {               // contract 2: a settings file that is wrong
        String message = failure(ENVIRONMENTS + DESTINATION.replace("trafficType: user", "trafficTyp: user"));
        assertThat(message).contains("destinations[0] 'prod-web'").contains("unknown setting 'trafficTyp'");
    }

    @Test
    void aSourceEndpointThatIsNotHttpNamesFileEntryAndProblem() {     // contract 2: endpoint
        String source = """
                sources:
                  - id: prod-segment
                    environment: prod
                    writeKey: wk-prod-1
                    endpoint: ftp://api.segment.io
                """;
        String message = failure(ENVIRONMENTS + source);
        assertThat(message).contains("sources[0] 'prod-segment'").contains("endpoint").contains("ftp://api.segment.io");
    }

    @Test
    void trafficTypeNamesAreCaseInsensitiveAndStoredInLowerCase() {   // contract 2
        String yaml = """
                environments:
                  - id: prod
                    trafficTypes: [User, ACCOUNT]
                destinations:
                  - id: prod-web
                    environment: prod
                    trafficType: USER
                    groupTrafficType: Account
                    apiKey: dest-key-1
                    webhookSecret: hook-secret-1
                """;
        var settings = SettingsLoader.parse("test.yml", yaml);
        assertThat(settings.environment("prod").orElseThrow().trafficTypes()).containsExactlyInAnyOrder("user", "account");
        var destination = settings.destination("prod-web").orElseThrow();
        assertThat(destination.trafficType()).isEqualTo("user");
        assertThat(destination.groupTrafficType()).isEqualTo("account");
    }
}
