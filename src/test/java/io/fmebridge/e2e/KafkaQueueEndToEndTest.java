package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code fme.queue=kafka} against a real broker (issue: scale out): requests are answered once
 * Kafka holds them, and the topics' consumers store Segment messages and build Segment batches
 * from impressions. Topics and groups of their own, so runs never read each other's records.
 */
@ExtendWith(KafkaAvailable.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "fme.admin-token=" + RunningServiceTest.ADMIN_TOKEN,
        "fme.data-dir=" + KafkaQueueEndToEndTest.DATA_DIR, // here, not below: the database is placed before those are read
        "fme.queue=kafka",
        "fme.kafka.partitions=3",
        "fme.kafka.consumers=1",
        "fme.kafka.gather-time=100ms",
        "fme.delivery.poll-interval=50",
        "management.prometheus.metrics.export.enabled=true",
})
class KafkaQueueEndToEndTest extends RunningServiceTest {
    static final String DATA_DIR = "target/test-data/kafka";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    static {
        SourceSideTest.wipe(Path.of(DATA_DIR));
    }
    private static final SegmentStub SEGMENT = new SegmentStub();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) throws IOException {
        registry.add("fme.kafka.brokers", () -> KafkaAvailable.BROKERS);
        registry.add("fme.kafka.segment-topic", () -> "test-segment-" + RUN);
        registry.add("fme.kafka.impressions-topic", () -> "test-impressions-" + RUN);
        registry.add("fme.kafka.store-group", () -> "test-store-" + RUN);
        registry.add("fme.kafka.batcher-group", () -> "test-batcher-" + RUN);
        Path settings = Files.createTempFile("integrations-kafka", ".yml");
        Files.writeString(settings, Files.readString(Path.of("src/test/resources/integrations-test.yml"))
                + "\nsources:\n  - id: kq\n    environment: test\n    writeKey: wk-kq-0001\n    endpoint: " + SEGMENT.base("kq")
                + "\n    identities: {user: userId, anonymous: anonymousId}\n    batch: {maxMessages: 100, maxBytes: 460000, maxDelay: 100ms}\n");
        registry.add("fme.integrations-file", settings::toString);
    }

    /** Records in the topic: the sum of its partitions' end offsets. */
    private static long records(String topic) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                java.util.Map.of("bootstrap.servers", KafkaAvailable.BROKERS))) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, java.util.concurrent.TimeUnit.SECONDS)
                    .get(topic).partitions().stream()
                    .collect(java.util.stream.Collectors.toMap(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                            p -> org.apache.kafka.clients.admin.OffsetSpec.latest()));
            return admin.listOffsets(partitions).all().get(30, java.util.concurrent.TimeUnit.SECONDS).values().stream()
                    .mapToLong(org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        }
    }

    @Test
    void aBatchIsAnsweredOnceKafkaHoldsItAndStoredByTheConsumers() throws Exception {
        String user = unique("kq-user");
        String body = "{\"batch\": [{\"type\": \"identify\", \"userId\": \"" + user + "\", \"messageId\": \"" + user + "-1\", "
                + "\"traits\": {\"plan\": \"pro\"}}, {\"type\": \"track\", \"event\": \"buy\", \"userId\": \"" + user
                + "\", \"messageId\": \"" + user + "-2\", \"properties\": {\"revenue\": 12.5}}, {\"type\": \"track\", \"userId\": \""
                + user + "\", \"messageId\": \"" + user + "-3\"}]}";

        long before = records("test-segment-" + RUN);
        assertThat(post("/v1/batch", body, "Authorization", basic("web-api-key-1")).status()).isEqualTo(200);
        // when the 200 comes, Kafka holds a record for each message of the request
        assertThat(records("test-segment-" + RUN) - before).isEqualTo(3);

        JsonNode events = eventually(() -> get("/api/environments/test/events?key=" + user).json(), e -> e.size() == 1,
                Duration.ofSeconds(20));
        assertThat(events.get(0).path("eventTypeId").asText()).isEqualTo("buy");
        assertThat(events.get(0).path("value").asDouble()).isEqualTo(12.5);
        JsonNode identity = eventually(() -> get("/api/environments/test/traffic-types/user/identities/" + user).json(),
                i -> i.path("attributes").has("plan"), Duration.ofSeconds(20));
        assertThat(identity.path("attributes").path("plan").asText()).isEqualTo("pro");
        JsonNode drops = eventually(() -> get("/api/destinations/web/dropped?limit=1000").json(),
                d -> anyMessageId(d, user + "-3"), Duration.ofSeconds(20));
        assertThat(drops.toString()).contains("missing_event_type_id");
        // the consumers' lag, for sizing (docs/scaling.md)
        assertThat(getWithout("/actuator/prometheus").body()).contains("kafka_consumer_fetch_manager_records_lag_max");
    }

    @Test
    void theSameMessageIdTwiceIsStoredOnce() throws Exception {
        String user = unique("kq-dup");
        String message = "{\"type\": \"track\", \"event\": \"view\", \"userId\": \"" + user + "\", \"messageId\": \"" + user + "\"}";

        assertThat(post("/api/segment/webhook/web", message, "Authorization", "web-hook-secret-1").status()).isEqualTo(200);
        assertThat(post("/api/segment/webhook/web", message, "Authorization", "web-hook-secret-1").status()).isEqualTo(200);

        eventually(() -> get("/api/environments/test/events?key=" + user).json(), e -> e.size() == 1, Duration.ofSeconds(20));
        JsonNode drops = eventually(() -> get("/api/destinations/web/dropped?limit=1000").json(),
                d -> anyMessageId(d, user), Duration.ofSeconds(20));
        assertThat(drops.toString()).contains("duplicate");
        Thread.sleep(500);
        assertThat(get("/api/environments/test/events?key=" + user).json()).hasSize(1);
    }

    @Test
    void impressionsGoThroughTheTopicToSegmentInBatches() throws Exception {
        SEGMENT.accepts("kq");
        String prefix = unique("kq-imp") + "-";
        String body = SourceSideTest.impressions("new_checkout", 3, prefix, "rule");

        long before = records("test-impressions-" + RUN);
        assertThat(post("/api/testImpressions/bulk", body, "Authorization", "Bearer sdk-key-test-1").status()).isEqualTo(200);
        // when the 200 comes, Kafka holds the request, as one record (5.1); the consumers store it behind the answer
        assertThat(records("test-impressions-" + RUN) - before).isEqualTo(1);
        for (int i = 0; i < 3; i++) {
            String key = prefix + i;
            assertThat(eventually(() -> get("/api/environments/test/impressions?key=" + key).json(), j -> j.size() == 1,
                    Duration.ofSeconds(20))).as("impression " + i).hasSize(1);
        }

        List<JsonNode> sent = eventually(() -> SEGMENT.messages("kq"), m -> m.size() >= 3, Duration.ofSeconds(20));
        assertThat(sent).as(() -> "sent to Segment; source stats " + get("/api/sources/kq/stats").body()).hasSize(3).allSatisfy(m -> {
            assertThat(m.path("event").asText()).isEqualTo("get_treatment");
            assertThat(m.path("messageId").asText()).startsWith("fme-");
        });
        // and stored once, though sent on through Kafka
        for (int i = 0; i < 3; i++) {
            JsonNode stored = get("/api/environments/test/impressions?key=" + prefix + i).json();
            assertThat(stored).as("impression " + i).hasSize(1);
            assertThat(stored.get(0).path("treatment").asText()).isEqualTo("on");
        }
        assertThat(sent).extracting(m -> m.path("userId").asText()).containsExactlyInAnyOrder(prefix + 0, prefix + 1, prefix + 2);
    }
}
