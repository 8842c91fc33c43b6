package io.fmebridge.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import com.github.tomakehurst.wiremock.client.WireMock;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * Contract 5: impressions in, get_treatment batches out to WireMock standing in for Segment.
 */
class ImpressionsToSegmentTest extends SourceSideTest {

    @Test
    void aBatchCompletesWhenItReachesMaxMessages() { // 5.2: when a batch reaches maxMessages
        SEGMENT.accepts("count");
        assertThat(sendImpressions("count", impressions("new_checkout", 3, "c-a", "rule")).status()).isEqualTo(200);
        assertThat(sendImpressions("count", impressions("new_checkout", 2, "c-b", "rule")).status()).isEqualTo(200);

        // maxDelay is 60 s: only the count can complete the batch this soon
        List<LoggedRequest> requests = eventually(() -> SEGMENT.requests("count"), r -> !r.isEmpty(), Duration.ofSeconds(10));
        assertThat(requests).hasSize(1);
        assertThat(SegmentStub.batch(requests.get(0))).hasSize(5);
    }

    @Test
    void aBatchCompletesBeforeItWouldPassMaxBytes() { // 5.2: when a batch reaches maxBytes
        SEGMENT.accepts("bytes");
        String label = "x".repeat(12_000); // about 12.3 KB a message: three fit in 40,000 bytes, four do not
        for (int i = 0; i < 4; i++) {
            assertThat(sendImpressions("bytes", impressions("new_checkout", 1, "b-" + i + "-", label)).status()).isEqualTo(200);
        }

        List<LoggedRequest> requests = eventually(() -> SEGMENT.requests("bytes"), r -> !r.isEmpty(), Duration.ofSeconds(10));
        LoggedRequest first = requests.get(0);
        assertThat(first.getBody().length).isLessThanOrEqualTo(40000);
        assertThat(SegmentStub.batch(first)).hasSize(3);
    }

    @Test
    void aBatchCompletesMaxDelayAfterItsFirstMessage() throws Exception { // 5.2: or maxDelay after its first message
        SEGMENT.accepts("time");
        long start = System.nanoTime();
        assertThat(sendImpressions("time", impressions("new_checkout", 2, "t-", "rule")).status()).isEqualTo(200);
        Thread.sleep(300);
        assertThat(SEGMENT.requests("time")).as("not before maxDelay").isEmpty();

        List<LoggedRequest> requests = eventually(() -> SEGMENT.requests("time"), r -> !r.isEmpty(), Duration.ofSeconds(10));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        assertThat(SegmentStub.batch(requests.get(0))).hasSize(2);
    }

    @Test
    void failuresAreRetriedUntilSuccessWithTheSameMessageIds() { // 5.2: 500, 503, 429 with Retry-After are retried
        String path = "/flaky/v1/batch";
        SEGMENT.server.stubFor(WireMock.post(urlPathEqualTo(path)).inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("503"));
        SEGMENT.server.stubFor(WireMock.post(urlPathEqualTo(path)).inScenario("flaky").whenScenarioStateIs("503")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("429"));
        SEGMENT.server.stubFor(WireMock.post(urlPathEqualTo(path)).inScenario("flaky").whenScenarioStateIs("429")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("ok"));
        SEGMENT.server.stubFor(WireMock.post(urlPathEqualTo(path)).inScenario("flaky").whenScenarioStateIs("ok")
                .willReturn(okJson("{\"success\":true}")));

        assertThat(sendImpressions("flaky", impressions("new_checkout", 3, "f-", "rule")).status()).isEqualTo(200);

        List<LoggedRequest> requests = eventually(() -> SEGMENT.requests("flaky"), r -> r.size() >= 4, Duration.ofSeconds(20));
        assertThat(requests).hasSize(4);
        List<String> first = ids(List.copyOf(copy(SegmentStub.batch(requests.get(0)))));
        for (LoggedRequest r : requests) {
            assertThat(ids(List.copyOf(copy(SegmentStub.batch(r))))).isEqualTo(first);
        }
        // Retry-After: 1 was honoured between the 429 and the success
        assertThat(requests.get(3).getLoggedDate().getTime() - requests.get(2).getLoggedDate().getTime()).isGreaterThanOrEqualTo(1000);
        JsonNode stats = eventually(() -> get("/api/sources/flaky/stats").json(), s -> s.path("delivered").asLong() == 3,
                Duration.ofSeconds(5));
        assertThat(stats.path("delivered").asLong()).isEqualTo(3);
        assertThat(stats.path("retrying").asLong()).isZero();
        assertThat(stats.path("lastError").asText()).contains("429");
    }

    @Test
    void aRefusedConnectionIsRetriedUntilSegmentIsBack() { // 5.2: connection failures are retried
        assertThat(sendImpressions("refused", impressions("new_checkout", 2, "r-", "rule")).status()).isEqualTo(200);
        JsonNode retrying = eventually(() -> get("/api/sources/refused/stats").json(), s -> s.path("retrying").asLong() == 2,
                Duration.ofSeconds(10));
        assertThat(retrying.path("retrying").asLong()).isEqualTo(2);
        assertThat(retrying.path("lastError").asText()).contains("no answer");

        SegmentStub back = new SegmentStub(REFUSED_PORT);
        try {
            back.accepts("refused");
            List<JsonNode> messages = eventually(() -> back.messages("refused"), m -> m.size() >= 2, Duration.ofSeconds(10));
            assertThat(messages).hasSize(2);
        } finally {
            back.stop();
        }
    }

    @Test
    void a400MakesDeadLettersAndReplayDeliversThemOnceFixed() { // 5.2: any other answer; 5.3: replay
        SEGMENT.server.stubFor(WireMock.post(urlPathEqualTo("/broken/v1/batch")).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\": \"bad batch\"}")));
        assertThat(sendImpressions("broken", impressions("new_checkout", 3, "d-", "rule")).status()).isEqualTo(200);

        JsonNode letters = eventually(() -> get("/api/sources/broken/dead-letters").json(), l -> l.size() == 3, Duration.ofSeconds(10));
        assertThat(letters).hasSize(3);
        assertThat(letters.get(0).path("reason").asText()).contains("400");
        assertThat(get("/api/sources/broken/stats").json().path("deadLettered").asLong()).isEqualTo(3);
        List<String> deadIds = ids(List.copyOf(SEGMENT.messages("broken")));

        SEGMENT.accepts("broken");
        Answer replay = post("/api/sources/broken/dead-letters/replay", "", "Authorization", "Bearer " + ADMIN_TOKEN);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("replayed").asInt()).isEqualTo(3);

        JsonNode stats = eventually(() -> get("/api/sources/broken/stats").json(), s -> s.path("delivered").asLong() == 3,
                Duration.ofSeconds(10));
        assertThat(stats.path("deadLettered").asLong()).isZero();
        List<JsonNode> all = SEGMENT.messages("broken");
        assertThat(Set.copyOf(ids(all.subList(3, all.size())))).isEqualTo(Set.copyOf(deadIds));
    }

    @Test
    void aMessageOver32KbIsADeadLetterAndStaysOneOnReplay() { // 5.2: no message over 32 KB is ever sent
        SEGMENT.accepts("big");
        assertThat(sendImpressions("big", impressions("new_checkout", 1, "big-", "l".repeat(40_000))).status()).isEqualTo(200);

        JsonNode letters = eventually(() -> get("/api/sources/big/dead-letters").json(), l -> l.size() == 1, Duration.ofSeconds(5));
        assertThat(letters.get(0).path("reason").asText()).startsWith("message_too_large");
        Answer replay = post("/api/sources/big/dead-letters/replay", "", "Authorization", "Bearer " + ADMIN_TOKEN);
        assertThat(replay.json().path("replayed").asInt()).isZero();
        assertThat(get("/api/sources/big/stats").json().path("deadLettered").asLong()).isEqualTo(1);
        assertThat(SEGMENT.requests("big")).isEmpty();
    }

    @Test
    void everySourceOfTheEnvironmentGetsEveryImpression() { // 2: every source of an environment receives every impression
        SEGMENT.accepts("us");
        SEGMENT.accepts("eu");
        assertThat(sendImpressions("fan", impressions("new_checkout", 2, "fan-", "rule")).status()).isEqualTo(200);

        List<JsonNode> us = eventually(() -> SEGMENT.messages("us"), m -> m.size() >= 2, Duration.ofSeconds(10));
        List<JsonNode> eu = eventually(() -> SEGMENT.messages("eu"), m -> m.size() >= 2, Duration.ofSeconds(10));
        assertThat(us).extracting(m -> m.path("userId").asText()).containsExactlyInAnyOrder("fan-0", "fan-1");
        assertThat(eu).extracting(m -> m.path("userId").asText()).containsExactlyInAnyOrder("fan-0", "fan-1");
        // 5.2: a different messageId per source, since Segment drops one seen in any workspace
        assertThat(Set.copyOf(ids(us))).doesNotContainAnyElementsOf(ids(eu));
        assertThat(SEGMENT.requests("us").get(0).getHeader("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("wk-fan-us-0001:".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theMessageIsAGetTreatmentTrackWithTheImpressionsProperties() { // 5.2
        SEGMENT.accepts("mapping");
        String body = "[{\"f\": \"guest_banner\", \"i\": [{\"k\": \"anon-1\", \"t\": \"blue\", \"m\": 1764000000000, \"c\": 7, "
                + "\"r\": \"default rule\", \"b\": \"bucket-1\"}]}]";
        assertThat(sendImpressions("mapping", body).status()).isEqualTo(200);

        JsonNode m = eventually(() -> SEGMENT.messages("mapping"), l -> l.stream().anyMatch(x -> x.path("anonymousId").asText()
                .equals("anon-1")), Duration.ofSeconds(10)).stream().filter(x -> x.path("anonymousId").asText().equals("anon-1"))
                .findFirst().orElseThrow();
        assertThat(m.path("type").asText()).isEqualTo("track");
        assertThat(m.path("event").asText()).isEqualTo("get_treatment");
        // flagTrafficTypes maps guest_banner to anonymous, which the source sends as anonymousId
        assertThat(m.path("anonymousId").asText()).isEqualTo("anon-1");
        assertThat(m.has("userId")).isFalse();
        JsonNode p = m.path("properties");
        assertThat(p.path("split").asText()).isEqualTo("guest_banner");
        assertThat(p.path("treatment").asText()).isEqualTo("blue");
        assertThat(p.path("label").asText()).isEqualTo("default rule");
        assertThat(p.path("changeNumber").asLong()).isEqualTo(7);
        assertThat(p.path("environmentId").asText()).isEqualTo("mapping");
        assertThat(p.path("environmentName").asText()).isEqualTo("Env mapping");
        assertThat(p.path("trafficType").asText()).isEqualTo("anonymous");
        assertThat(p.path("bucketingKey").asText()).isEqualTo("bucket-1");
        assertThat(m.path("timestamp").asText()).startsWith("2025-11-24T16:00:00");
        assertThat(m.path("context").path("library").path("name").asText()).isNotBlank();

        JsonNode stored = get("/api/environments/mapping/impressions?split=guest_banner").json();
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).path("key").asText()).isEqualTo("anon-1");
        assertThat(stored.get(0).path("trafficType").asText()).isEqualTo("anonymous");
    }

    @Test
    void anImpressionSentAgainIsSentWithTheSameMessageId() { // 5.1 retries; 5.2 stable messageId
        SEGMENT.accepts("again");
        String prefix = unique("again") + "-";
        String body = impressions("retry_flag", 2, prefix, "rule");

        assertThat(sendImpressions("again", body).status()).isEqualTo(200);
        assertThat(sendImpressions("again", body).status()).isEqualTo(200); // an SDK's retry after a lost answer

        List<JsonNode> sent = eventually(() -> SEGMENT.messages("again").stream()
                .filter(m -> m.path("userId").asText().startsWith(prefix)).toList(), m -> m.size() >= 4, Duration.ofSeconds(10));
        assertThat(sent.stream().map(m -> m.path("messageId").asText()).distinct()).hasSize(2);
        // the embedded store keeps what it received (docs/decisions.md); PostgreSQL stores it once
        assertThat(get("/api/environments/again/impressions?split=retry_flag&limit=1000").json()).hasSize(4);
    }

    @Test
    void wrongSdkKeyIs401AndAMalformedBodyIs400() { // 5.1
        assertThat(post("/api/testImpressions/bulk", impressions("f", 1, "k", "r"), "Authorization", "Bearer nope").status())
                .isEqualTo(401);
        Answer bad = sendImpressions("mapping", "[{\"f\": \"flag\", \"i\": [{\"t\": \"on\", \"m\": 1}]}]");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").asText()).contains("k");
        assertThat(sendImpressions("mapping", "not json").status()).isEqualTo(400);
    }

    @Test
    void theImpressionsWebhookIsAcceptedForItsEnvironment() { // 5.1: FME's impressions webhook
        SEGMENT.accepts("mapping");
        String body = "[{\"key\": \"wh-1\", \"split\": \"new_checkout\", \"environmentId\": \"x\", \"environmentName\": \"X\", "
                + "\"treatment\": \"on\", \"time\": 1764000000000, \"bucketingKey\": null, \"label\": \"rule\", "
                + "\"splitVersionNumber\": 3}]";
        Answer answer = post("/api/impressions/webhook?environment=mapping", body, "Authorization", "Bearer sdk-mapping");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(post("/api/impressions/webhook?environment=count", body, "Authorization", "Bearer sdk-mapping").status())
                .isEqualTo(401);

        List<JsonNode> messages = eventually(() -> SEGMENT.messages("mapping"), l -> l.stream()
                .anyMatch(m -> m.path("userId").asText().equals("wh-1")), Duration.ofSeconds(10));
        assertThat(messages.stream().filter(m -> m.path("userId").asText().equals("wh-1")).collect(Collectors.toList())).hasSize(1);
    }

    @Test
    void countsAreAcceptedAndNothingGoesToSegment() { // 5.1: /api/testImpressions/count
        Answer answer = post("/api/testImpressions/count", "{\"pf\": [{\"f\": \"new_checkout\", \"m\": 1764000000000, \"rc\": 12}]}",
                "Authorization", "Bearer sdk-count");
        assertThat(answer.status()).isEqualTo(200);
    }

    private static java.util.Collection<JsonNode> copy(JsonNode array) {
        List<JsonNode> list = new java.util.ArrayList<>();
        array.forEach(list::add);
        return list;
    }
}
