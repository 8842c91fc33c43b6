package io.fmebridge.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.mock.env.MockEnvironment;

import io.fmebridge.Application;

/** fme.store picks the database; fme.instance-id names this instance among those sharing it. */
class StoreSettingTest {

    private static MockEnvironment defaultsFor(String... properties) {
        MockEnvironment environment = new MockEnvironment();
        for (int i = 0; i < properties.length; i += 2) {
            environment.setProperty(properties[i], properties[i + 1]);
        }
        new EnvironmentDefaults().postProcessEnvironment(environment, null);
        StoreSettingCheck.check(environment);
        return environment;
    }

    private static String refusal(String... properties) {
        Throwable failure = catchThrowable(() -> defaultsFor(properties));
        assertThat(failure).isInstanceOf(StoreSettingException.class);
        return failure.getMessage();
    }

    @Test
    void h2IsTheDefaultAndLivesInTheDataDir() {
        MockEnvironment environment = defaultsFor("fme.data-dir", "target/some-dir");
        assertThat(environment.getProperty("spring.datasource.url")).startsWith("jdbc:h2:file:").endsWith("some-dir/fme");
    }

    @Test
    void postgresTakesTheGivenUrl() {
        MockEnvironment environment = defaultsFor("fme.store", "postgres",
                "spring.datasource.url", "jdbc:postgresql://db.example:5432/fme");
        assertThat(environment.getProperty("spring.datasource.url")).isEqualTo("jdbc:postgresql://db.example:5432/fme");
    }

    @Test
    void postgresWithoutAUrlIsRefused() {
        assertThat(refusal("fme.store", "postgres")).isEqualTo("fme.store is postgres, but spring.datasource.url is not set");
    }

    @Test
    void postgresWithAnotherDatabasesUrlIsRefusedWithoutShowingTheUrl() {
        String message = refusal("fme.store", "postgres", "spring.datasource.url", "jdbc:h2:file:/data/fme;PASSWORD=secret-1");
        assertThat(message).contains("not a jdbc:postgresql: URL (jdbc:h2:)").doesNotContain("secret-1");
    }

    @Test
    void batchRewritingIsRefusedBecauseTheDuplicateCheckReadsEachRowsCount() {
        assertThat(refusal("fme.store", "postgres", "spring.datasource.url",
                "jdbc:postgresql://db/fme?reWriteBatchedInserts=true")).contains("reWriteBatchedInserts");
    }

    @Test
    void theDefaultStoreWithAPostgresUrlIsRefusedWithoutShowingTheUrl() {
        String message = refusal("spring.datasource.url", "jdbc:postgresql://db/fme?password=secret-2");
        assertThat(message).isEqualTo("fme.store is h2 (the default), but spring.datasource.url is a jdbc:postgresql: URL; "
                + "set fme.store=postgres for PostgreSQL");
    }

    @Test
    void anUnknownQueueIsRefused() {
        Throwable failure = catchThrowable(() -> defaultsFor("fme.queue", "rabbit"));
        assertThat(failure).isInstanceOf(SettingsException.class).hasMessage("fme.queue: 'rabbit' is neither journal nor kafka");
    }

    @Test
    void anUnknownStoreIsRefused() {
        assertThat(refusal("fme.store", "mysql")).isEqualTo("fme.store must be h2 or postgres, not 'mysql'");
    }

    @Test
    void theInstanceIsNamedAfterItsHostAndPortUnlessNamed() {
        assertThat(defaultsFor("server.port", "9090").getProperty("fme.instance-id")).endsWith(":9090").hasSizeGreaterThan(5);
        assertThat(defaultsFor("fme.instance-id", "bridge-1").getProperty("fme.instance-id")).isEqualTo("bridge-1");
    }

    @Test
    void startupStopsAndSaysWhatToSet(@TempDir Path dir) {
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(Application.class).run(
                "--server.port=0", "--fme.data-dir=" + dir.resolve("data"), "--fme.store=postgres",
                "--camel.main.routes-include-pattern=", "--camel.main.routes-reload-enabled=false"));

        assertThat(NestedExceptionUtils.getMostSpecificCause(failure)).isInstanceOf(StoreSettingException.class);
        FailureAnalysis analysis = new StoreSettingFailureAnalyzer().analyze(failure);
        assertThat(analysis.getDescription()).isEqualTo("fme.store is postgres, but spring.datasource.url is not set");
        assertThat(analysis.getAction()).contains("spring.datasource.url=jdbc:postgresql://");
    }
}
