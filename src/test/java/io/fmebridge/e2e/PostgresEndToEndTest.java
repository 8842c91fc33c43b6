package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.fmebridge.store.TestPostgres;

/**
 * The whole service with {@code fme.store=postgres}, on a PostgreSQL database of its own (created
 * for this class with a random name, dropped when the service stops), over real HTTP. Skipped
 * without a PostgreSQL server ({@code .ci/services.sh start postgres}).
 */
@EnabledIf(value = "io.fmebridge.store.TestPostgres#answers",
        disabledReason = "no PostgreSQL answers at FME_TEST_PG_URL; start one with .ci/services.sh start postgres")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "fme.store=postgres",
        "fme.data-dir=target/test-data/e2e-postgres",
        "fme.admin-token=" + RunningServiceTest.ADMIN_TOKEN,
        "fme.delivery.poll-interval=50",
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // stop the service, then drop its database
class PostgresEndToEndTest extends RunningServiceTest {
    private static final String SECRET = "web-hook-secret-1";
    private static String database;
    private static SegmentStub segment;

    @Autowired
    DataSource dataSource;

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) throws IOException {
        database = TestPostgres.createDatabase("e2e");
        segment = new SegmentStub();
        segment.accepts("pg");
        registry.add("spring.datasource.url", () -> TestPostgres.urlOf(database));
        registry.add("spring.datasource.username", () -> TestPostgres.USER);
        registry.add("spring.datasource.password", () -> TestPostgres.PASSWORD);
        Path settings = Files.createTempFile("integrations-postgres", ".yml");
        Files.writeString(settings, Files.readString(Path.of("src/test/resources/integrations-test.yml")) + """
                sources:
                  - id: pg-segment
                    environment: test
                    writeKey: wk-pg-segment-0001
                    endpoint: %s
                    identities: {user: userId, anonymous: anonymousId}
                    batch: {maxMessages: 100, maxBytes: 460000, maxDelay: 100ms}
                """.formatted(segment.base("pg")));
        registry.add("fme.integrations-file", settings::toString);
    }

    /** Destroyed before the data source, once Camel has stopped: nothing uses the database any more. */
    @TestConfiguration
    static class DropDatabaseWhenStopped {
        @Bean
        DisposableBean dropTestDatabase(DataSource dataSource) {
            return () -> {
                TestPostgres.dropDatabase(database);
                segment.stop();
            };
        }
    }

    private static String track(String user, String messageId, String event) {
        return """
                {"type": "track", "event": "%s", "userId": "%s", "messageId": "%s", "properties": {"revenue": 5}}"""
                .formatted(event, user, messageId);
    }

    @Test
    void theDataIsInPostgres() {
        String user = unique("user");
        String messageId = unique("m");

        assertThat(post("/api/segment/webhook/web", track(user, messageId, "Signed_Up"), "Authorization", SECRET).status()).isEqualTo(200);

        awaitCaughtUp();
        assertThat(new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM fme_event WHERE message_id = ?", Long.class,
                messageId)).isEqualTo(1);
        assertThat(new JdbcTemplate(dataSource).queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
    }

    @Test
    void aNulInAnEventNameIsA200AndADropNeverA503() { // PostgreSQL refuses NUL in text
        String user = unique("user");
        String nul = unique("nul");
        String body = "[" + track(user, nul, "Nul\\u0000Event") + "," + track(user, unique("m"), "fine") + "]";

        Answer answer = post("/api/segment/webhook/web", body, "Authorization", SECRET);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(eventsOf(user)).extracting(e -> e.path("eventTypeId").asText()).containsExactly("fine");
        JsonNode drops = dropped("web", "invalid_event_type_id");
        assertThat(anyMessageId(drops, nul)).isTrue();
        for (JsonNode drop : drops) {
            if (nul.equals(drop.path("messageId").asText())) {
                assertThat(drop.path("detail").asText()).contains("Nul\uFFFDEvent");
            }
        }
    }

    @Test
    void anIdentityWithANulInItsKeyIsStoredAndAQueryWithANulIsAnswered() {
        String user = unique("user") + "\\u0000x";
        String body = "{\"type\": \"identify\", \"userId\": \"" + user + "\", \"messageId\": \"" + unique("m")
                + "\", \"traits\": {\"plan\": \"gold\"}}";

        assertThat(post("/api/segment/webhook/web", body, "Authorization", SECRET).status()).isEqualTo(200);

        awaitCaughtUp();
        assertThat(new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM fme_identity WHERE identity_key = ?",
                Long.class, user.replace("\\u0000", "\uFFFD"))).isEqualTo(1);
        Answer answer = get("/api/environments/test/events?key=" + user.replace("\\u0000", "%00"));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200); // not a failed query
    }

    @Test
    void theSameMessageIdTwiceIsStoredOnceAndCountedAsADuplicate() {
        String user = unique("user");
        String messageId = unique("m");
        long duplicatesBefore = stats("web").path("duplicates").asLong();

        assertThat(post("/api/segment/webhook/web", track(user, messageId, "Paid"), "Authorization", SECRET).status()).isEqualTo(200);
        assertThat(post("/api/segment/webhook/web", track(user, messageId, "Paid"), "Authorization", SECRET).status()).isEqualTo(200);

        assertThat(eventsOf(user)).hasSize(1);
        assertThat(anyMessageId(dropped("web", "duplicate"), messageId)).isTrue();
        assertThat(stats("web").path("duplicates").asLong()).isEqualTo(duplicatesBefore + 1);
    }

    @Test
    void aSecondIdentifyUpdatesTheAttributesItNamesAndKeepsTheOthers() {
        String user = unique("user");
        String first = "{\"type\": \"identify\", \"userId\": \"" + user + "\", \"messageId\": \"" + unique("m")
                + "\", \"traits\": {\"plan\": \"gold\", \"seats\": 5}}";
        String second = "{\"type\": \"identify\", \"userId\": \"" + user + "\", \"messageId\": \"" + unique("m")
                + "\", \"traits\": {\"plan\": \"platinum\"}}";

        assertThat(post("/api/segment/webhook/web", first, "Authorization", SECRET).status()).isEqualTo(200);
        assertThat(post("/api/segment/webhook/web", second, "Authorization", SECRET).status()).isEqualTo(200);

        JsonNode attributes = get("/api/environments/test/traffic-types/user/identities/" + user).json().path("attributes");
        assertThat(attributes.path("plan").asText()).isEqualTo("platinum");
        assertThat(attributes.path("seats").asInt()).isEqualTo(5);
    }

    @Test
    void impressionsReachSegmentFromTheOutbox() {
        String key = unique("imp");
        String body = "[{\"f\": \"new_checkout\", \"i\": [{\"k\": \"" + key + "-1\", \"t\": \"on\", \"m\": 1764000000000, \"c\": 42, "
                + "\"r\": \"rule\"}, {\"k\": \"" + key + "-2\", \"t\": \"off\", \"m\": 1764000000001, \"c\": 42, \"r\": \"rule\"}]}]";

        Answer answer = post("/api/testImpressions/bulk", body, "Authorization", "Bearer sdk-key-test-1");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<LoggedRequest> requests = eventually(() -> segment.requests("pg"), r -> !r.isEmpty(), Duration.ofSeconds(15));
        assertThat(requests).isNotEmpty();
        assertThat(segment.messages("pg")).extracting(m -> m.path("userId").asText()).contains(key + "-1", key + "-2");
        JsonNode stats = eventually(() -> get("/api/sources/pg-segment/stats").json(), s -> s.path("delivered").asLong() >= 2,
                Duration.ofSeconds(10));
        assertThat(stats.path("delivered").asLong()).isGreaterThanOrEqualTo(2);
        awaitCaughtUp();
        assertThat(new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM fme_impression WHERE identity_key LIKE ?",
                Long.class, key + "%")).isEqualTo(2);

        // sent again (a retry, or to another instance): stored once, sent with the same messageIds
        assertThat(post("/api/testImpressions/bulk", body, "Authorization", "Bearer sdk-key-test-1").status()).isEqualTo(200);
        eventually(() -> segment.messages("pg").stream().filter(m -> m.path("userId").asText().startsWith(key)).toList(),
                m -> m.size() >= 4, Duration.ofSeconds(15));
        assertThat(segment.messages("pg").stream().filter(m -> m.path("userId").asText().startsWith(key))
                .map(m -> m.path("messageId").asText()).distinct()).hasSize(2);
        awaitCaughtUp();
        assertThat(new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM fme_impression WHERE identity_key LIKE ?",
                Long.class, key + "%")).isEqualTo(2);
    }
}
