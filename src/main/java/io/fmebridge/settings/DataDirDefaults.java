package io.fmebridge.settings;

import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points the embedded H2 database at {@code fme.data-dir} unless {@code spring.datasource.url}
 * is given. Durability of what a request writes comes from the group commit, which writes the
 * store to the file after each commit (see {@code GroupCommitWriter}).
 */
public class DataDirDefaults implements EnvironmentPostProcessor {
    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getProperty("spring.datasource.url") != null) {
            return;
        }
        Path dataDir = Path.of(environment.getProperty("fme.data-dir", "data")).toAbsolutePath().normalize();
        String url = "jdbc:h2:file:" + dataDir.resolve("fme");
        environment.getPropertySources().addLast(new MapPropertySource("fmeDataDir",
                Map.of("spring.datasource.url", url, "spring.datasource.username", "sa", "spring.datasource.password", "")));
    }
}
