package io.fmebridge.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.fmebridge.settings.Environment;
import io.fmebridge.settings.IntegrationSettings;
import io.fmebridge.settings.SettingsLoader;
import io.fmebridge.settings.Source;
import io.fmebridge.source.ImpressionIntake.ImpressionRequest;
import io.fmebridge.source.ImpressionIntake.Intake;

/** Contracts 2 and 5.2: an accepted impressions request, fanned out per source in pieces that fit a batch. */
class ImpressionIntakeTest {
    private static final String SETTINGS = """
            environments:
              - id: prod
                name: Production
                trafficTypes: [user, account, anonymous]
                sdkKeys: [sdk-key-prod-1]
                defaultTrafficType: user
                flagTrafficTypes:
                  billing_v2: account
            sources:
              - id: prod-segment
                environment: prod
                writeKey: wk-prod-1
                identities:
                  user: userId
              - id: prod-segment-eu
                environment: prod
                writeKey: wk-prod-2
                endpoint: https://events.eu1.segmentapis.com
                batch: {maxMessages: 7, maxBytes: 33792, maxDelay: 1s}
            """;
    /** {"batch":[ ... ],"sentAt":"..."} as SegmentDelivery builds it, with the longest Instant text. */
    private static final String SENT_AT = "2026-01-01T00:00:00.123456789Z";
    private static final long TIME = 1_712_345_678_901L;

    private final ObjectMapper json = new ObjectMapper();
    private final IntegrationSettings settings = SettingsLoader.parse("test.yml", SETTINGS);
    private final Environment prod = settings.environment("prod").orElseThrow();
    private final List<Source> sources = settings.sourcesOf("prod");
    private final ImpressionMapper mapper = new ImpressionMapper(json, "fme-segment-bridge", "1.2.3");
    private final ImpressionIntake intake = new ImpressionIntake(mapper);

    private static Impression impression(int n) {
        return impression("flag_" + (n % 3), "user-" + n, "label " + n);
    }

    private static Impression impression(String flag, String key, String label) {
        return new Impression("prod", flag, key, "on", TIME + key.hashCode(), 7L, label, null);
    }

    private static List<Impression> impressions(int count, int labelLength) {
        return IntStream.range(0, count)
                .mapToObj(n -> impression("flag_" + (n % 3), "user-" + n, ("label " + n + " ").repeat(labelLength / 8 + 1)))
                .toList();
    }

    private Intake accept(List<Source> to, List<Impression> impressions) {
        return intake.accept(new ImpressionRequest(prod, to, impressions));
    }

    private ImpressionWrites readout(List<Source> to, List<Impression> impressions) {
        return intake.readout(new ImpressionRequest(prod, to, impressions), TIME);
    }

    private static List<String> messageIdsOf(Intake intake, Source source) {
        return intake.pieces().stream().filter(p -> p.sourceId().equals(source.id()))
                .flatMap(p -> p.messageIds().stream()).toList();
    }

    /** The request body that this piece becomes. */
    private static String requestBody(GatheredBatch piece) {
        return "{\"batch\":[" + String.join(",", piece.messages()) + "],\"sentAt\":\"" + SENT_AT + "\"}";
    }

    // ---- fan-out --------------------------------------------------------------------------------

    @Test
    void everySourceOfTheEnvironmentReceivesEveryImpression() {              // contract 2: "Every source of an environment receives every impression"
        assertThat(sources).extracting(Source::id).containsExactly("prod-segment", "prod-segment-eu");
        List<Impression> impressions = IntStream.range(0, 20).mapToObj(ImpressionIntakeTest::impression).toList();

        Intake result = accept(sources, impressions);

        for (Source source : sources) {
            List<String> expected = impressions.stream().map(i -> mapper.toSegment(i, prod, source).messageId()).toList();
            assertThat(messageIdsOf(result, source)).as("messages for %s", source.id()).containsExactlyElementsOf(expected);
        }
        assertThat(result.pieces()).extracting(GatheredBatch::sourceId).containsOnly("prod-segment", "prod-segment-eu");
    }

    @Test
    void eachSourcesPieceHoldsThatSourcesMessages() throws Exception {       // contract 5.2: "For each impression and each source ..., one Segment message"
        Impression one = impression("new_checkout", "user-42", "default rule");
        Intake result = accept(sources, List.of(one));

        assertThat(result.pieces()).hasSize(2);
        for (GatheredBatch piece : result.pieces()) {
            Source source = settings.source(piece.sourceId()).orElseThrow();
            assertThat(piece.messages()).containsExactly(mapper.toSegment(one, prod, source).json());
            assertThat(json.readTree(piece.messages().get(0)).path("event").asText()).isEqualTo("get_treatment");
        }
        assertThat(result.pieces().get(0).messageIds()).doesNotContainAnyElementsOf(result.pieces().get(1).messageIds());
    }

    @Test
    void anEnvironmentWithoutSourcesGathersNothingButStoresTheImpressions() { // contract 5.1/5.2: impressions stored; one message per source
        Intake result = accept(List.of(), List.of(impression(1), impression(2)));
        assertThat(result.pieces()).isEmpty();
        assertThat(readout(List.of(), List.of(impression(1), impression(2))).impressions()).hasSize(2);
    }

    // ---- batch limits -------------------------------------------------------------------------

    @Test
    void piecesNeverExceedTheSourcesMaxMessages() {                          // contract 5.2: a batch is sent when it reaches maxMessages
        Source eu = settings.source("prod-segment-eu").orElseThrow();
        assertThat(eu.maxMessages()).isEqualTo(7);
        List<Impression> impressions = IntStream.range(0, 50).mapToObj(ImpressionIntakeTest::impression).toList();

        Intake result = accept(List.of(eu), impressions);

        assertThat(result.pieces()).allSatisfy(p -> assertThat(p.size()).isLessThanOrEqualTo(eu.maxMessages()));
        assertThat(result.pieces()).hasSize(8);                           // 50 messages, at most 7 a piece
        assertThat(messageIdsOf(result, eu)).hasSize(50).doesNotHaveDuplicates();
    }

    @Test
    void piecesNeverExceedTheSourcesMaxBytes() {                             // contract 5.2: maxBytes; "no request over 500 KB is ever sent"
        Source eu = settings.source("prod-segment-eu").orElseThrow();
        assertThat(eu.maxBytes()).isEqualTo(33_792);
        List<Impression> impressions = impressions(60, 6_000);           // about 6.5 KB each: 5 a piece, well under 7

        Intake result = accept(List.of(eu), impressions);

        assertThat(result.pieces()).hasSizeGreaterThan(1);
        assertThat(messageIdsOf(result, eu)).hasSize(60);
        for (GatheredBatch piece : result.pieces()) {
            assertThat(piece.size()).isLessThanOrEqualTo(eu.maxMessages());
            assertThat(piece.bytes()).isLessThanOrEqualTo(eu.maxBytes());
            int messageBytes = piece.messages().stream().mapToInt(m -> m.getBytes(StandardCharsets.UTF_8).length).sum();
            assertThat(messageBytes + (piece.size() - 1) + GatheredBatch.ENVELOPE_BYTES).isLessThanOrEqualTo(eu.maxBytes());
            assertThat(requestBody(piece).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(eu.maxBytes());
        }
    }

    @Test
    void piecesOfTheDefaultBatchStayUnder500Kb() {                           // contract 5.2: "no request over 500 KB is ever sent"
        Source us = settings.source("prod-segment").orElseThrow();
        assertThat(us.maxMessages()).isEqualTo(100);
        assertThat(us.maxBytes()).isEqualTo(460_000);
        Intake result = accept(List.of(us), impressions(300, 20_000));   // about 20 KB each

        assertThat(messageIdsOf(result, us)).hasSize(300);
        for (GatheredBatch piece : result.pieces()) {
            assertThat(piece.size()).isLessThanOrEqualTo(100);
            assertThat(piece.bytes()).isLessThanOrEqualTo(us.maxBytes());
            assertThat(requestBody(piece).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(us.maxBytes())
                    .isLessThanOrEqualTo(500 * 1024);
        }
    }

    // ---- messages over 32 KB ------------------------------------------------------------------

    @Test
    void messageOver32KbBecomesADeadLetterOfEachSourceAndIsNotGathered() {   // contract 5.2: "No message over 32 KB ... is ever sent"
        Impression huge = new Impression("prod", "new_checkout", "user-big", "t".repeat(40 * 1024), TIME, 7L, "l".repeat(100), null);
        Impression small = impression(1);

        Intake result = accept(sources, List.of(small, huge));

        List<DeadLetter> dead = result.writes().deadLetters();
        assertThat(dead).extracting(DeadLetter::sourceId, DeadLetter::messageId).containsExactlyInAnyOrder(
                tuple("prod-segment", mapper.toSegment(huge, prod, sources.get(0)).messageId()),
                tuple("prod-segment-eu", mapper.toSegment(huge, prod, sources.get(1)).messageId()));
        assertThat(dead).allSatisfy(d -> assertThat(d.reason()).startsWith("message_too_large"));
        List<String> gathered = result.pieces().stream().flatMap(p -> p.messageIds().stream()).toList();
        assertThat(gathered).doesNotContainAnyElementsOf(dead.stream().map(DeadLetter::messageId).toList());
        for (Source source : sources) {
            assertThat(messageIdsOf(result, source)).containsExactly(mapper.toSegment(small, prod, source).messageId());
        }
        assertThat(result.pieces()).allSatisfy(p -> assertThat(p.messages()).noneMatch(m -> m.contains("tttttttttt")));
    }

    @Test
    void messageSizeIsCountedInUtf8Bytes() {                                 // contract 5.2: "No message over 32 KB" (bytes, not characters)
        Impression wide = new Impression("prod", "new_checkout", "user-wide", "on", TIME, 7L, "é".repeat(20_000), null);
        OutboundMessage message = mapper.toSegment(wide, prod, sources.get(0));
        assertThat(message.json().length()).isLessThan(ImpressionIntake.MAX_MESSAGE_BYTES);
        assertThat(message.sizeBytes()).isGreaterThan(ImpressionIntake.MAX_MESSAGE_BYTES);

        Intake result = accept(List.of(sources.get(0)), List.of(wide));

        assertThat(result.pieces()).isEmpty();
        assertThat(result.writes().deadLetters()).singleElement()
                .satisfies(d -> assertThat(d.reason()).startsWith("message_too_large"));
    }

    @Test
    void messageOfExactly32KbIsSentAndOneByteMoreIsNot() {                   // contract 5.2: "No message over 32 KB"
        Source source = sources.get(0);
        Impression probe = impression("new_checkout", "user-edge", "");
        int emptyLabelSize = mapper.toSegment(probe, prod, source).sizeBytes();
        Impression exact = impression("new_checkout", "user-edge", "x".repeat(32 * 1024 - emptyLabelSize));
        Impression over = impression("new_checkout", "user-edge", "x".repeat(32 * 1024 - emptyLabelSize + 1));
        assertThat(mapper.toSegment(exact, prod, source).sizeBytes()).isEqualTo(32 * 1024);
        assertThat(mapper.toSegment(over, prod, source).sizeBytes()).isEqualTo(32 * 1024 + 1);

        Intake result = accept(List.of(source), List.of(exact, over));

        assertThat(messageIdsOf(result, source)).containsExactly(mapper.toSegment(exact, prod, source).messageId());
        assertThat(result.writes().deadLetters()).extracting(DeadLetter::messageId)
                .containsExactly(mapper.toSegment(over, prod, source).messageId());
    }

    // ---- what is stored -----------------------------------------------------------------------

    @Test
    void impressionsAreStoredWithTheirTrafficType() {                        // contract 4 (impressions query) and 5.2 (traffic type)
        Impression billing = impression("billing_v2", "acct-1", "rule");
        Impression other = impression("new_checkout", "user-1", "rule");

        ImpressionWrites result = readout(sources, List.of(billing, other));

        assertThat(result.environmentId()).isEqualTo("prod");
        assertThat(result.impressions()).extracting(ImpressionWrites.Stored::impression, ImpressionWrites.Stored::trafficType)
                .containsExactly(tuple(billing, "account"), tuple(other, "user"));
    }

    @Test
    void deliveryStoresNoImpressionTheReadoutDoes() {                       // docs/decisions.md: the readout stores impressions apart, behind delivery
        assertThat(accept(sources, List.of(impression(1), impression(2))).writes().impressions()).isEmpty();
    }

    @Test
    void everyImpressionIsStoredOnceWhateverTheNumberOfSources() {           // contract 5.1: impressions stored; 2: fan-out is per source
        List<Impression> impressions = new ArrayList<>(IntStream.range(0, 5).mapToObj(ImpressionIntakeTest::impression).toList());
        assertThat(readout(sources, impressions).impressions()).extracting(ImpressionWrites.Stored::impression)
                .containsExactlyElementsOf(impressions);
    }
}
