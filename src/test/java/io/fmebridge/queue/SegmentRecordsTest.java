package io.fmebridge.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fmebridge.Wiring;
import io.fmebridge.destination.DropReason;
import io.fmebridge.destination.IngestContext;
import io.fmebridge.destination.SegmentMessage;
import io.fmebridge.destination.SegmentRequestGate.IngestRequest;
import io.fmebridge.settings.Destination;
import io.fmebridge.settings.IntegrationSettings;
import io.fmebridge.settings.SettingsLoader;

/** Segment messages through Kafka: keys that keep one user's messages in order, values that read back as received. */
class SegmentRecordsTest {
    private static final IntegrationSettings SETTINGS = SettingsLoader.load(Path.of("src/test/resources/integrations-test.yml"));
    private final SegmentRecords records = new SegmentRecords(Wiring.segmentJson());

    @Test
    void keysAreTheDestinationAndTheIdentityTheMessageUpdates() throws Exception {
        Destination web = SETTINGS.destination("web").orElseThrow(); // identity: userId
        assertThat(SegmentRecords.key(web, message(1, "{\"userId\": \"u1\", \"anonymousId\": \"a1\"}"))).isEqualTo("web/u1");
        assertThat(SegmentRecords.key(web, message(1, "{\"anonymousId\": \"a1\"}"))).isEqualTo("web/a1");
        assertThat(SegmentRecords.key(web, message(1, "{\"type\": \"group\", \"userId\": \"u1\", \"groupId\": \"g1\"}")))
                .isEqualTo("web/g1");
        // a group call with traits.split updates the key it names there (contract 3.4), not the group
        assertThat(SegmentRecords.key(web, message(1, "{\"type\": \"group\", \"groupId\": \"g1\", "
                + "\"traits\": {\"split\": {\"account\": \"acme\"}, \"plan\": \"pro\"}}"))).isEqualTo("web/acme");
        assertThat(SegmentRecords.key(web, message(1, "{\"userId\": \"\", \"messageId\": \"m1\"}"))).isEqualTo("web/m1");
        assertThat(SegmentRecords.key(web, message(7, "{}"))).isEqualTo("web/7");
    }

    @Test
    void aDestinationKeyedByAnonymousIdKeysByAnonymousIdFirst() throws Exception {
        Destination web = SETTINGS.destination("web").orElseThrow();
        Destination anonymous = new Destination(web.id(), web.environment(), web.trafficType(), Destination.Identity.anonymousId,
                web.anonymousTrafficType(), web.identify(), web.track(), web.eventTypeIdField(), web.valueField(), web.namedPages(),
                web.namedScreens(), web.pageEventTemplate(), web.screenEventTemplate(), web.groupTrafficType(), web.apiKeyHash(),
                web.webhookSecretHash(), web.signingSecret());

        assertThat(SegmentRecords.key(anonymous, message(1, "{\"userId\": \"u1\", \"anonymousId\": \"a1\"}"))).isEqualTo("web/a1");
        assertThat(SegmentRecords.key(anonymous, message(1, "{\"userId\": \"u1\"}"))).isEqualTo("web/u1");
    }

    @Test
    void aRequestReadsBackWithItsContextAndMessages() throws Exception {
        IngestRequest sent = request(message(1, "{\"type\": \"track\", \"event\": \"buy\", \"userId\": \"u1\", \"messageId\": \"m1\", "
                        + "\"properties\": {\"price\": 19.990000000000000001}}"),
                SegmentMessage.refused(2, 40_000, "m2", DropReason.MESSAGE_TOO_LARGE, "the message is 40000 bytes"));

        List<IngestRequest> read = records.toRequests(values(records.toRecords(sent)), SETTINGS, problem -> { });

        assertThat(read).hasSize(1);
        IngestRequest back = read.get(0);
        assertThat(back.destinationId()).isEqualTo("web");
        assertThat(back.context().receivedAt()).isEqualTo(sent.context().receivedAt());
        assertThat(back.context().environment().id()).isEqualTo("test");
        SegmentMessage first = back.messages().get(0);
        assertThat(first.type()).isEqualTo("track");
        assertThat(first.messageId()).isEqualTo("m1");
        assertThat(first.ordinal()).isEqualTo(1);
        assertThat(first.json().at("/properties/price").decimalValue()).isEqualByComparingTo("19.990000000000000001");
        SegmentMessage second = back.messages().get(1);
        assertThat(second.problem()).isEqualTo(DropReason.MESSAGE_TOO_LARGE);
        assertThat(second.problemDetail()).isEqualTo("the message is 40000 bytes");
        assertThat(second.sizeBytes()).isEqualTo(40_000);
        assertThat(second.messageId()).isEqualTo("m2");
    }

    @Test
    void messagesOfDifferentRequestsStayApart() throws Exception {
        List<byte[]> values = new ArrayList<>(values(records.toRecords(request(1, message(1, "{\"userId\": \"a\"}")))));
        values.addAll(values(records.toRecords(request(2, message(1, "{\"userId\": \"b\"}")))));

        assertThat(records.toRequests(values, SETTINGS, problem -> { })).hasSize(2);
    }

    @Test
    void aPollKeepsTheOrderOfItsRecordsEvenWhenTwoRequestsArrivedAtTheSameMoment() throws Exception {
        // one poll: partition Q's record first (received at 200), then partition P's two (at 100 and
        // 200) for user u, whose later identify must be stored after the earlier one
        List<byte[]> values = new ArrayList<>(values(records.toRecords(request(200, message(1, "{\"type\": \"track\", \"userId\": \"v\"}")))));
        values.addAll(values(records.toRecords(request(100, message(1,
                "{\"type\": \"identify\", \"userId\": \"u\", \"traits\": {\"plan\": \"a\"}}")))));
        values.addAll(values(records.toRecords(request(200, message(2,
                "{\"type\": \"identify\", \"userId\": \"u\", \"traits\": {\"plan\": \"b\"}}")))));

        List<String> order = records.toRequests(values, SETTINGS, problem -> { }).stream()
                .flatMap(r -> r.messages().stream())
                .map(m -> m.json().path("userId").asText() + m.json().at("/traits/plan").asText())
                .toList();

        assertThat(order).containsExactly("v", "ua", "ub");
    }

    @Test
    void neighboursOfOneRequestShareOneContext() throws Exception {
        List<byte[]> values = values(records.toRecords(request(300, message(1, "{\"userId\": \"a\"}"), message(2, "{\"userId\": \"b\"}"))));

        List<IngestRequest> read = records.toRequests(values, SETTINGS, problem -> { });

        assertThat(read).hasSize(1);
        assertThat(read.get(0).messages()).hasSize(2);
        assertThat(read.get(0).context().receivedAt()).isEqualTo(300);
    }

    @Test
    void aRecordOfAGoneDestinationOrNotOursIsReportedNotStored() throws Exception {
        List<byte[]> values = new ArrayList<>(values(records.toRecords(request(message(1, "{\"userId\": \"a\", \"messageId\": \"m9\"}")))));
        values.add("not json".getBytes(StandardCharsets.UTF_8));
        values.add(null); // a tombstone
        IntegrationSettings without = new IntegrationSettings(SETTINGS.environments(), List.of(), List.of());
        List<String> problems = new ArrayList<>();

        assertThat(records.toRequests(values, without, problems::add)).isEmpty();
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).contains("destination=web messageId=m9", "no longer exists");
    }

    private static SegmentMessage message(int ordinal, String json) throws Exception {
        return SegmentMessage.of(ordinal, (ObjectNode) Wiring.segmentJson().readTree(json), json.length());
    }

    private static IngestRequest request(SegmentMessage... messages) {
        return request(System.currentTimeMillis(), messages);
    }

    private static IngestRequest request(long receivedAt, SegmentMessage... messages) {
        var destination = SETTINGS.destination("web").orElseThrow();
        return new IngestRequest(new IngestContext(destination, SETTINGS.environment("test").orElseThrow(), receivedAt),
                List.of(messages));
    }

    private static List<byte[]> values(List<QueuedRecord> queued) {
        return queued.stream().map(QueuedRecord::value).toList();
    }
}
