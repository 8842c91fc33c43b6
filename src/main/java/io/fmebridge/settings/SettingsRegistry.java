package io.fmebridge.settings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The settings the service runs on. Read and checked at start: a wrong file stops start-up.
 * Readers take {@link #current()} once per request, so a later swap never mixes two versions.
 */
@Component("settings")
public class SettingsRegistry {
    private static final Logger log = LoggerFactory.getLogger(SettingsRegistry.class);
    private volatile IntegrationSettings current;

    public SettingsRegistry(FmeProperties properties) {
        this.current = SettingsLoader.load(properties.integrationsFile());
        log.info("Loaded {}: {} environments, {} destinations, {} sources", properties.integrationsFile(),
                current.environments().size(), current.destinations().size(), current.sources().size());
    }

    public IntegrationSettings current() {
        return current;
    }

    public void replace(IntegrationSettings settings) {
        this.current = settings;
    }
}
