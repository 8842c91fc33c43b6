package io.fmebridge.settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults worked out from other settings. With {@code fme.store=h2} (the default), points the
 * embedded H2 database at {@code fme.data-dir} unless {@code spring.datasource.url} is given.
 * Durability of what a request writes comes from the group commit, which writes the store to the
 * file after each commit (see {@code GroupCommitWriter}). Names the instance
 * ({@code fme.instance-id}) unless it is given. {@link StoreSettingCheck} checks the result.
 */
public class EnvironmentDefaults implements EnvironmentPostProcessor {
    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        excludeSwitchedOffFlows(environment);
        if (environment.getProperty("fme.instance-id", "").isBlank()) { // first: the file's empty value means "not given"
            environment.getPropertySources().addFirst(new MapPropertySource("fmeInstanceId",
                    Map.of("fme.instance-id", hostName() + ":" + environment.getProperty("server.port", "8080"))));
        }
        Map<String, Object> defaults = new HashMap<>();
        String url = environment.getProperty("spring.datasource.url", "");
        if (StoreSettingCheck.store(environment).equals("h2") && url.isBlank()) {
            Path dataDir = Path.of(environment.getProperty("fme.data-dir", "data")).toAbsolutePath().normalize();
            defaults.put("spring.datasource.url", "jdbc:h2:file:" + dataDir.resolve("fme"));
            defaults.put("spring.datasource.username", "sa");
            defaults.put("spring.datasource.password", "");
        }
        if (!defaults.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource("fmeDefaults", defaults));
        }
    }

    /** The host's name as the environment gives it, without a network look-up if possible. */
    private static String hostName() {
        for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String name = System.getenv(variable);
            if (name != null && !name.isBlank()) {
                return name.trim();
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * {@code fme.flows.destination=false} leaves out the Segment -> FME routes ({@code segment-*.yaml}),
     * {@code fme.flows.source=false} the FME -> Segment ones ({@code impressions-*.yaml}), so that
     * one deployment can run one side alone. The journal's upkeep ({@code journal.yaml}) is left out
     * with {@code fme.queue=kafka}.
     */
    private static void excludeSwitchedOffFlows(ConfigurableEnvironment environment) {
        String dir = environment.getProperty("fme.routes-dir", "routes");
        java.util.List<String> excluded = new java.util.ArrayList<>();
        if (!environment.getProperty("fme.flows.destination", Boolean.class, true)) {
            excluded.add("file:" + dir + "/segment-*.yaml");
        }
        if (!environment.getProperty("fme.flows.source", Boolean.class, true)) {
            excluded.add("file:" + dir + "/impressions-*.yaml");
        }
        String queue = environment.getProperty("fme.queue", "journal");
        if (!queue.equals("journal") && !queue.equals("kafka")) {
            throw new SettingsException("fme.queue: '" + queue + "' is neither journal nor kafka");
        }
        if (queue.equals("kafka")) {
            excluded.add("file:" + dir + "/journal.yaml"); // the embedded journal's upkeep
        }
        if (!excluded.isEmpty() && environment.getProperty("camel.main.routes-exclude-pattern") == null) {
            environment.getPropertySources().addFirst(new MapPropertySource("fmeFlows",
                    Map.of("camel.main.routes-exclude-pattern", String.join(",", excluded))));
        }
    }
}
