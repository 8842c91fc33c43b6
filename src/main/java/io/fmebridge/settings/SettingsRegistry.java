package io.fmebridge.settings;

import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The settings the service runs on. At first start they are read from {@code fme.integrations-file}
 * and saved in the database; from then on the database holds them and the admin API changes them.
 * Readers take {@link #current()} once per request, so a change never mixes two versions within
 * one request, and applies from the next request on.
 */
@Component("settings")
public class SettingsRegistry {
    private static final Logger log = LoggerFactory.getLogger(SettingsRegistry.class);
    /** How a change through the admin API is named in its error messages, where the file's name would be. */
    static final String CHANGE_NAME = "settings";

    private final SettingsStore store;
    private final ApplicationEventPublisher events;
    private volatile IntegrationSettings current;
    private volatile long version;

    public SettingsRegistry(FmeProperties properties, JdbcTemplate jdbc, ApplicationEventPublisher events) {
        this.store = new SettingsStore(jdbc);
        this.events = events;
        var saved = store.latest();
        if (saved.isPresent()) {
            current = SettingsLoader.parse("settings version " + saved.get().version() + " in the database", saved.get().document());
            version = saved.get().version();
            log.info("Settings version {} from the database ({}, {}): {} environments, {} destinations, {} sources; "
                    + "{} is read only at first start", version, saved.get().change(), saved.get().changedAt(),
                    current.environments().size(), current.destinations().size(), current.sources().size(),
                    properties.integrationsFile());
        } else {
            current = SettingsLoader.load(properties.integrationsFile());
            version = store.save(0, SettingsDocument.yaml(current), "seeded from " + properties.integrationsFile());
            log.info("Loaded {} and saved it as settings version {}: {} environments, {} destinations, {} sources",
                    properties.integrationsFile(), version, current.environments().size(), current.destinations().size(),
                    current.sources().size());
        }
    }

    public IntegrationSettings current() {
        return current;
    }

    public long version() {
        return version;
    }

    /**
     * Applies a change to the settings document: checked as the file is, saved as a new version,
     * then in force for the next request.
     *
     * @throws SettingsException naming the entry and the problem; nothing is changed then
     */
    public synchronized IntegrationSettings change(UnaryOperator<IntegrationsFile> edit, String description) {
        refresh(); // another instance on the same database may have changed them
        IntegrationsFile changed = edit.apply(SettingsDocument.of(current));
        IntegrationSettings checked = new SettingsValidator(CHANGE_NAME).validate(changed);
        try {
            version = store.save(version, SettingsDocument.yaml(checked), description);
        } catch (org.springframework.dao.DuplicateKeyException raced) {
            refresh();
            throw new SettingsAdmin.Conflict("the settings were changed at the same moment by another instance; "
                    + "nothing was changed, try again");
        }
        current = checked;
        log.info("Settings version {}: {}", version, description);
        events.publishEvent(new SettingsChanged(version, checked));
        return checked;
    }

    /** Takes a newer version saved in the database (by another instance), if there is one. */
    public synchronized void refresh() {
        store.latest().filter(saved -> saved.version() > version).ifPresent(saved -> {
            IntegrationSettings loaded = SettingsLoader.parse("settings version " + saved.version() + " in the database", saved.document());
            current = loaded;
            version = saved.version();
            log.info("Settings version {} from the database: {}", version, saved.change());
            events.publishEvent(new SettingsChanged(version, loaded));
        });
    }

    /** Published after each change, for what keeps something per destination or source (MBeans). */
    public record SettingsChanged(long version, IntegrationSettings settings) {
    }
}
