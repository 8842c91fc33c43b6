package io.fmebridge.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.fmebridge.settings.IntegrationsFile.EnvironmentEntry;

/** Two instances on one database: a change saved by one comes into force in the other at its next refresh. */
class SettingsRegistryTest {
    private JdbcTemplate jdbc;
    private FmeProperties properties;
    private final List<Object> events = new ArrayList<>();

    @BeforeEach
    void database() throws Exception {
        SingleConnectionDataSource db = new SingleConnectionDataSource("jdbc:h2:mem:settings-" + System.nanoTime()
                + ";DB_CLOSE_DELAY=-1", "sa", "", true);
        jdbc = new JdbcTemplate(db);
        jdbc.execute(new String(new ClassPathResource("db/migration/V3__settings.sql").getInputStream().readAllBytes()));
        Path file = Files.createTempFile("integrations", ".yml");
        Files.writeString(file, "environments:\n  - id: prod\n    trafficTypes: [user]\n");
        properties = new FmeProperties(file, Path.of("target"), null, null, Path.of("routes"), java.time.Duration.ofHours(24),
                null, null, FmeProperties.Store.H2, "test");
    }

    @Test
    void theFirstInstanceSeedsTheOthersReadAndAChangeReachesThemAtTheirNextRefresh() {
        SettingsRegistry first = new SettingsRegistry(properties, jdbc, events::add);
        SettingsRegistry second = new SettingsRegistry(properties, jdbc, events::add);
        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version()).as("read from the database, not seeded again").isEqualTo(1);

        first.change(file -> new IntegrationsFile(List.of(file.environments().get(0),
                new EnvironmentEntry("stage", null, List.of("user"), null, null, null, null, null)), file.destinations(), file.sources(), null),
                "environment 'stage' created");
        assertThat(first.current().environment("stage")).isPresent();
        assertThat(second.current().environment("stage")).isEmpty();

        second.refresh();
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.current().environment("stage")).isPresent();
        assertThat(events).hasSize(2).allMatch(e -> e instanceof SettingsRegistry.SettingsChanged);
    }

    @Test
    void aChangeStartsFromTheNewestVersionSoNoChangeOfAnotherInstanceIsLost() {
        SettingsRegistry first = new SettingsRegistry(properties, jdbc, events::add);
        SettingsRegistry second = new SettingsRegistry(properties, jdbc, events::add);
        first.change(file -> new IntegrationsFile(List.of(file.environments().get(0),
                new EnvironmentEntry("a", null, List.of("user"), null, null, null, null, null)), null, null, null), "a");
        second.change(file -> new IntegrationsFile(concat(file.environments(),
                new EnvironmentEntry("b", null, List.of("user"), null, null, null, null, null)), null, null, null), "b");
        assertThat(second.current().environments()).extracting(Environment::id).containsExactly("prod", "a", "b");
        assertThat(second.version()).isEqualTo(3);
    }

    @Test
    void aRefusedChangeChangesNothing() {
        SettingsRegistry registry = new SettingsRegistry(properties, jdbc, events::add);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.change(file -> new IntegrationsFile(List.of(
                new EnvironmentEntry("x", null, null, null, null, null, null, null)), null, null, null), "bad"))
                .isInstanceOf(SettingsException.class).hasMessage("settings: environments[0] 'x': trafficTypes is missing; list at least one traffic type");
        assertThat(registry.version()).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM settings_version", Long.class)).isEqualTo(1);
        assertThat(registry.current().environment("prod")).isPresent();
    }

    private static <T> List<T> concat(List<T> list, T entry) {
        List<T> all = new ArrayList<>(list);
        all.add(entry);
        return all;
    }
}
