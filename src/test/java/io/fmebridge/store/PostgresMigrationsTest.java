package io.fmebridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.apache.camel.support.DefaultExchange;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.FileSystemResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.fmebridge.source.GatheredBatch;
import io.fmebridge.source.OutboundMessage;
import io.fmebridge.source.PostgresBatchRepository;

/**
 * The migrations that create the schema on H2 create it on PostgreSQL too, with the Flyway
 * locations of {@code config/application.yml}, and what H2 calls BLOB and CLOB holds the
 * aggregator's batches and the outbox's JSON on PostgreSQL.
 *
 * <p>Needs a PostgreSQL server: {@code .ci/services.sh start postgres} starts one at
 * {@code jdbc:postgresql://127.0.0.1:55432/fme_test} (user fme, password fme); FME_TEST_PG_URL,
 * FME_TEST_PG_USER and FME_TEST_PG_PASSWORD point elsewhere. <b>Without a reachable PostgreSQL
 * every test here is skipped</b> (reported as skipped, not passed), so that the suite still
 * runs on a machine without one. Each test works in a schema of its own and drops it.
 */
class PostgresMigrationsTest {
    private static final String URL = setting("FME_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:55432/fme_test");
    private static final String USER = setting("FME_TEST_PG_USER", "fme");
    private static final String PASSWORD = setting("FME_TEST_PG_PASSWORD", "fme");

    private String schema;
    private DataSource postgres;

    private static String setting(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }

    /** Null when PostgreSQL answered; else why not. Asked once for all tests. */
    private static String unreachable;

    @BeforeAll
    static void askPostgres() {
        DriverManager.setLoginTimeout(3);
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
            unreachable = c.isValid(3) ? null : "connection not valid";
        } catch (SQLException e) {
            unreachable = e.getMessage();
        }
    }

    /** Assumed per test, so that Surefire counts each of them as skipped. */
    @BeforeEach
    void ownSchema() {
        if (unreachable != null) {
            TestPostgres.requiredButMissing("no PostgreSQL at " + URL + " (" + unreachable + ")");
        }
        assumeTrue(unreachable == null, () -> "no PostgreSQL at " + URL + " (" + unreachable
                + "); start one with .ci/services.sh start postgres");
        schema = "migrations_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        postgres = new DriverManagerDataSource(URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema, USER, PASSWORD);
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) {
            new JdbcTemplate(postgres).execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** spring.flyway.locations of config/application.yml, with {vendor} as Spring Boot fills it in. */
    private static String[] locations(String vendor) {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new FileSystemResource("config/application.yml"));
        String locations = yaml.getObject().getProperty("spring.flyway.locations");
        assertThat(locations).as("spring.flyway.locations in config/application.yml").isNotBlank();
        return locations.replace("{vendor}", vendor).split("\\s*,\\s*");
    }

    private Flyway migratePostgres() {
        Flyway flyway = Flyway.configure().dataSource(postgres).schemas(schema).locations(locations("postgresql")).load();
        flyway.migrate();
        return flyway;
    }

    private static List<String> versions(Flyway flyway) {
        return java.util.Arrays.stream(flyway.info().applied()).map(MigrationInfo::getVersion).filter(java.util.Objects::nonNull)
                .map(Object::toString).toList(); // without the entry for the schema Flyway created
    }

    private static List<String> tables(DataSource dataSource, String schema) {
        return new JdbcTemplate(dataSource).queryForList("SELECT LOWER(table_name) FROM information_schema.tables "
                + "WHERE LOWER(table_schema) = ? AND table_type IN ('BASE TABLE', 'TABLE') AND LOWER(table_name) <> 'flyway_schema_history' "
                + "ORDER BY 1", String.class, schema.toLowerCase(Locale.ROOT));
    }

    @Test
    void theSharedMigrationsCreateTheSameTablesOnPostgresAsOnH2() {
        Flyway pg = migratePostgres();
        DataSource h2 = new DriverManagerDataSource("jdbc:h2:mem:migrations-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway embedded = Flyway.configure().dataSource(h2).locations(locations("h2")).load();
        embedded.migrate();

        assertThat(versions(pg)).containsExactly("0.1", "1", "2", "3", "4", "5", "6", "6.1", "7", "7.1", "8", "9");
        assertThat(versions(embedded)).containsExactly("1", "2", "3", "4", "5", "6", "7", "7.1", "8", "9");
        assertThat(tables(postgres, schema)).hasSize(17).isEqualTo(tables(h2, "public"));
        // a second start finds nothing to do, and the checksums still match
        assertThat(pg.migrate().migrationsExecuted).isZero();
        pg.validate();
    }

    /** The readout's SQL (issue 13) runs on PostgreSQL as on H2, with the same figures. */
    @Test
    void theReadoutsQueriesRunOnPostgres() {
        migratePostgres();
        JdbcTemplate jdbc = new JdbcTemplate(postgres);
        for (int i = 0; i < 10; i++) {
            String treatment = i % 2 == 0 ? "on" : "off";
            jdbc.update("INSERT INTO fme_impression (environment_id, flag, identity_key, treatment, impression_time, traffic_type, "
                    + "received_at) VALUES ('prod', 'new_checkout', ?, ?, ?, 'user', 0)", "k" + i, treatment, 1000 + i);
            if (i < 4) { // k0, k2 on; k1, k3 off: converted, values 10 + i
                jdbc.update("INSERT INTO fme_event (environment_id, destination_id, traffic_type, identity_key, event_type_id, "
                        + "event_value, event_time, properties, received_at) VALUES ('prod', 'web', 'user', ?, 'bought', ?, ?, '{}', 0)",
                        "k" + i, 10.0 + i, 2000 + i);
            }
        }
        jdbc.update("INSERT INTO fme_impression (environment_id, flag, identity_key, treatment, impression_time, traffic_type, "
                + "received_at) VALUES ('prod', 'new_checkout', 'k9', 'on', 1500, 'user', 0)"); // k9 saw both
        jdbc.update("INSERT INTO fme_attribute (environment_id, traffic_type, identity_key, name, value_json, updated_at) "
                + "VALUES ('prod', 'user', 'k0', 'plan', '\"pro\"', 0)");
        io.fmebridge.readout.ReadoutQuery query = new io.fmebridge.readout.ReadoutQuery(jdbc);
        var scope = new io.fmebridge.readout.ReadoutQuery.Scope("prod", "new_checkout", "user", 0, 10_000, null);

        assertThat(query.flagSeen("prod", "new_checkout")).isTrue();
        assertThat(query.eventTypeSeen("prod", "bought", "user")).isTrue();
        assertThat(query.exposures(scope)).extracting(e -> e.treatment() + ":" + e.keys() + ":" + e.mixedKeys())
                .containsExactly("on:5:0", "off:4:1");
        var metric = new io.fmebridge.settings.Metric("paid", "Paid", null, "prod", "user", "bought",
                io.fmebridge.settings.Metric.Measure.sum, true);
        var on = query.figures(scope, metric).get("on");
        assertThat(on.keys()).isEqualTo(5);
        assertThat(on.converted()).isEqualTo(2);
        assertThat(on.sample().sum()).isEqualTo(22.0); // 10 + 12
        assertThat(on.sample().sumOfSquares()).isEqualTo(244.0);
        var filtered = new io.fmebridge.readout.ReadoutQuery.Scope("prod", "new_checkout", "user", 0, 10_000,
                new io.fmebridge.readout.ReadoutQuery.AttributeFilter("plan", "pro"));
        assertThat(query.exposures(filtered)).extracting(e -> e.treatment() + ":" + e.keys()).containsExactly("on:1");
    }

    @Test
    void theAggregatorRepositoryKeepsBatchesOnPostgres() throws Exception {
        migratePostgres();
        CamelContext camel = new DefaultCamelContext();
        JdbcAggregationRepository repository = new PostgresBatchRepository(new DataSourceTransactionManager(postgres),
                "impression_batches", postgres);
        repository.setDeserializationFilter("io.fmebridge.source.GatheredBatch;java.**;org.apache.camel.**;!*");
        repository.start();
        try {
            GatheredBatch batch = new GatheredBatch("prod-segment", 100, 500_000, 2000);
            String json = "{\"messageId\":\"m-1\",\"event\":\"get_treatment\",\"text\":\"é ü \\u2603\"}";
            batch.add(new OutboundMessage("prod-segment", "m-1", json, json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
            Exchange exchange = new DefaultExchange(camel);
            exchange.getIn().setBody(batch);

            repository.add(camel, "prod-segment", exchange);
            Exchange back = repository.get(camel, "prod-segment");
            assertThat(back.getIn().getBody(GatheredBatch.class).messages()).containsExactly(json);
            // a second first piece for the same key (another instance's, say) is refused, as on H2
            Exchange another = new DefaultExchange(camel);
            another.getIn().setBody(batch);
            assertThat(catchThrowable(() -> repository.add(camel, "prod-segment", another))).isNotNull();
            repository.add(camel, "prod-segment", back); // an update, with the version it read, still works
            back = repository.get(camel, "prod-segment");

            repository.remove(camel, "prod-segment", back); // completed: moved to impression_batches_completed
            assertThat(repository.getKeys()).isEmpty();
            Set<String> completed = repository.scan(camel);
            assertThat(completed).hasSize(1);
            repository.confirm(camel, completed.iterator().next());
            assertThat(repository.scan(camel)).isEmpty();
        } finally {
            repository.stop();
            camel.close();
        }
    }

    @Test
    void theOutboxSendsRetriesAndDeadLettersOnPostgres() {
        migratePostgres();
        JdbcTemplate jdbc = new JdbcTemplate(postgres);
        OutboxRepository outbox = new OutboxRepository(jdbc, new TransactionTemplate(new DataSourceTransactionManager(postgres)),
                new ObjectMapper(), Set::of, SqlDialect.POSTGRES, "instance-a");
        GatheredBatch batch = new GatheredBatch("prod-segment", 100, 500_000, 0);
        String big = "x".repeat(20_000); // 60 KB in the batch row, under the 32 KB per message that replay keeps
        for (int i = 0; i < 3; i++) {
            String json = "{\"messageId\":\"m-" + i + "\",\"properties\":{\"pad\":\"" + big + "\"}}";
            batch.add(new OutboundMessage("prod-segment", "m-" + i, json, json.length()));
        }
        outbox.enqueue(batch);

        List<OutboxRepository.ClaimedBatch> claimed = outbox.claimDue(16);
        assertThat(claimed).hasSize(1);
        assertThat(claimed.get(0).count()).isEqualTo(3);
        assertThat(outbox.claimDue(16)).as("claimed batches are leased").isEmpty();

        outbox.deadLetter(claimed.get(0), "HTTP 400: bad request");
        assertThat(outbox.stats("prod-segment", 0)).isEqualTo(
                new OutboxRepository.SourceStats(0, 0, 0, 3, 1, "HTTP 400: bad request"));
        assertThat(outbox.deadLetters("prod-segment", 10)).extracting(OutboxRepository.DeadLetterView::messageId)
                .containsExactly("m-2", "m-1", "m-0");

        assertThat(outbox.replay("prod-segment", 100, 500_000)).isEqualTo(3);
        assertThat(outbox.stats("prod-segment", 0).pending()).isEqualTo(3);
    }
}
