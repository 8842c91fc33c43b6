package io.fmebridge.settings;

import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
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
    private volatile Snapshot snapshot;

    /** The settings in force and the version they were saved as, read together. */
    public record Snapshot(long version, IntegrationSettings settings) {
    }

    public SettingsRegistry(FmeProperties properties, JdbcTemplate jdbc, ApplicationEventPublisher events) {
        this.store = new SettingsStore(jdbc);
        this.events = events;
        var saved = store.latest();
        if (saved.isEmpty()) {
            IntegrationSettings seed = SettingsLoader.load(properties.integrationsFile());
            try {
                store.save(0, SettingsDocument.yaml(seed), "seeded from " + properties.integrationsFile());
                snapshot = new Snapshot(1, seed);
                log.info("Loaded {} and saved it as settings version 1: {} environments, {} destinations, {} sources",
                        properties.integrationsFile(), seed.environments().size(), seed.destinations().size(), seed.sources().size());
                return;
            } catch (DuplicateKeyException anotherInstanceSeeded) {
                saved = store.latest();
            }
        }
        SettingsStore.Version version = saved.orElseThrow();
        snapshot = new Snapshot(version.version(), SettingsLoader.parse("settings version " + version.version() + " in the database",
                version.document()));
        log.info("Settings version {} from the database ({}, {}): {} environments, {} destinations, {} sources; "
                + "{} is read only at first start", version.version(), version.change(), version.changedAt(),
                current().environments().size(), current().destinations().size(), current().sources().size(),
                properties.integrationsFile());
    }

    public IntegrationSettings current() {
        return snapshot.settings();
    }

    public long version() {
        return snapshot.version();
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Applies a change to the settings document: made to the newest version, checked as the file
     * is, saved as the next version, then in force for the next request.
     *
     * @throws SettingsException naming the entry and the problem; nothing is changed then
     */
    public synchronized IntegrationSettings change(UnaryOperator<IntegrationsFile> edit, String description) {
        refresh(); // another instance on the same database may have changed them
        IntegrationsFile changed = edit.apply(SettingsDocument.of(current()));
        IntegrationSettings checked = new SettingsValidator(CHANGE_NAME).validate(changed);
        long next;
        try {
            next = store.save(version(), SettingsDocument.yaml(checked), description);
        } catch (DuplicateKeyException raced) {
            refresh();
            throw new SettingsAdmin.Conflict("the settings were changed at the same moment by another instance; "
                    + "nothing was changed, try again");
        }
        swap(new Snapshot(next, checked), description);
        return checked;
    }

    /** Deletes the versions before the one in force: after a rotation they hold secrets that were replaced. */
    public synchronized void forgetEarlierVersions() {
        store.forgetBefore(version());
    }

    /** Takes a newer version saved in the database (by another instance), if there is one. */
    public synchronized void refresh() {
        store.latest().filter(saved -> saved.version() > version()).ifPresent(saved -> swap(new Snapshot(saved.version(),
                SettingsLoader.parse("settings version " + saved.version() + " in the database", saved.document())), saved.change()));
    }

    private void swap(Snapshot next, String description) {
        snapshot = next;
        log.info("Settings version {}: {}", next.version(), description);
        try {
            events.publishEvent(new SettingsChanged(next.version(), next.settings()));
        } catch (RuntimeException e) {
            // the change is in force; what follows it (MBeans) must not turn it into an error
            log.warn("After settings version {}: {}", next.version(), e.toString());
        }
    }

    /** Published after each change, for what keeps something per destination or source (MBeans). */
    public record SettingsChanged(long version, IntegrationSettings settings) {
    }
}
