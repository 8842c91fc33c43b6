package io.fmebridge.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.split.client.SplitClient;
import io.split.client.SplitClientConfig;
import io.split.client.SplitFactory;
import io.split.client.SplitFactoryBuilder;
import io.split.client.impressions.ImpressionsManager;

/**
 * Contract 5.1 and 5.2 with a real client: the FME Java SDK reads one flag definition from a
 * stub, sends its impressions to this service, and they reach the Segment stub as get_treatment.
 */
class FmeJavaSdkTest extends SourceSideTest {

    @Test
    void getTreatmentCallsOfTheSdkReachSegment() throws Exception {
        SEGMENT.accepts("sdk");
        WireMockServer fme = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        fme.start();
        SplitFactory factory = null;
        try {
            String definition = Files.readString(Path.of("src/test/resources/fme-flag-new-checkout.json"));
            fme.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
            fme.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/api/splitChanges")).withQueryParam("since", equalTo("-1")).willReturn(okJson(definition)));
            fme.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/api/splitChanges")).withQueryParam("since", equalTo("1764000000000"))
                    .willReturn(okJson("{\"ff\": {\"d\": [], \"s\": 1764000000000, \"t\": 1764000000000}, "
                            + "\"rbs\": {\"d\": [], \"s\": -1, \"t\": -1}}")));

            SplitClientConfig config = SplitClientConfig.builder()
                    .endpoint(fme.baseUrl(), "http://localhost:" + port)
                    .telemetryURL(fme.baseUrl() + "/api/v1")
                    .authServiceURL(fme.baseUrl() + "/api/v2/auth")
                    .streamingEnabled(false)
                    .impressionsMode(ImpressionsManager.Mode.DEBUG)
                    .setBlockUntilReadyTimeout(20_000)
                    .build();
            factory = SplitFactoryBuilder.build("sdk-sdk", config);
            SplitClient client = factory.client();
            client.blockUntilReady();

            assertThat(client.getTreatment("sdk-user-1", "new_checkout")).isEqualTo("on");
            assertThat(client.getTreatment("sdk-user-2", "new_checkout")).isEqualTo("on");
            factory.destroy(); // sends the impressions it holds
            factory = null;

            List<JsonNode> messages = eventually(() -> SEGMENT.messages("sdk"), m -> m.size() >= 2, Duration.ofSeconds(30));
            assertThat(messages).extracting(m -> m.path("userId").asText()).containsExactlyInAnyOrder("sdk-user-1", "sdk-user-2");
            for (JsonNode m : messages) {
                assertThat(m.path("event").asText()).isEqualTo("get_treatment");
                assertThat(m.path("properties").path("split").asText()).isEqualTo("new_checkout");
                assertThat(m.path("properties").path("treatment").asText()).isEqualTo("on");
                assertThat(m.path("properties").path("label").asText()).isEqualTo("default rule");
                assertThat(m.path("properties").path("changeNumber").asLong()).isEqualTo(1764000000000L);
                assertThat(m.path("properties").path("trafficType").asText()).isEqualTo("user");
            }
        } finally {
            if (factory != null) {
                factory.destroy();
            }
            fme.stop();
        }
    }
}
