package io.fmebridge.settings;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import io.fmebridge.destination.Credentials;
import io.fmebridge.settings.IntegrationsFile.DestinationEntry;
import io.fmebridge.settings.IntegrationsFile.EnvironmentEntry;
import io.fmebridge.settings.IntegrationsFile.MetricEntry;
import io.fmebridge.settings.IntegrationsFile.SourceEntry;

/**
 * What the admin API and the console do to the settings: create, update and delete environments,
 * destinations and sources, each change checked as the file is and in force from the next request.
 * A destination's API key, webhook secret and (on request) signing secret are generated here and
 * given out once; only their hashes are kept (the signing secret as it is, for the HMAC).
 */
public class SettingsAdmin {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SettingsRegistry registry;

    public SettingsAdmin(SettingsRegistry registry) {
        this.registry = registry;
    }

    /** A destination with the credentials just generated for it: the only time they are shown. */
    public record Credentialed(Destination destination, String apiKey, String webhookSecret, String signingSecret) {
    }

    /** An id that does not exist. */
    public static class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** A change that conflicts with what exists: a taken id, an environment still in use. */
    public static class Conflict extends RuntimeException {
        public Conflict(String message) {
            super(message);
        }
    }

    // -- environments

    public Environment createEnvironment(EnvironmentEntry entry) {
        String id = entry.id();
        if (id != null && registry.current().environment(id).isPresent()) {
            throw new Conflict("environment '" + id + "' exists already");
        }
        return registry.change(file -> with(file, add(file.environments(), entry), null, null), "environment '" + id + "' created")
                .environment(id).orElseThrow();
    }

    /**
     * Replaces an environment's entry by what {@code edit} makes of the current one (a PUT gives
     * the body, a PATCH the current entry with the body merged in). SDK keys left out stay as
     * they are; given, they replace the old ones.
     */
    public Environment updateEnvironment(String id, UnaryOperator<EnvironmentEntry> edit) {
        environment(id);
        return registry.change(file -> {
            EnvironmentEntry existing = find(file.environments(), EnvironmentEntry::id, id, "environment");
            EnvironmentEntry entry = edit.apply(new EnvironmentEntry(id, existing.name(), existing.trafficTypes(), null, null,
                    existing.defaultTrafficType(), existing.flagTrafficTypes(), existing.experiments()));
            EnvironmentEntry kept = entry.sdkKeys() == null && entry.sdkKeyHashes() == null
                    ? new EnvironmentEntry(id, entry.name(), entry.trafficTypes(), null, existing.sdkKeyHashes(),
                            entry.defaultTrafficType(), entry.flagTrafficTypes(), entry.experiments())
                    : new EnvironmentEntry(id, entry.name(), entry.trafficTypes(), entry.sdkKeys(), entry.sdkKeyHashes(),
                            entry.defaultTrafficType(), entry.flagTrafficTypes(), entry.experiments());
            return with(file, replace(file.environments(), EnvironmentEntry::id, id, kept), null, null);
        }, "environment '" + id + "' updated").environment(id).orElseThrow();
    }

    public void deleteEnvironment(String id) {
        environment(id);
        IntegrationSettings current = registry.current();
        List<String> users = new ArrayList<>();
        current.destinations().stream().filter(d -> d.environment().equals(id)).forEach(d -> users.add("destination '" + d.id() + "'"));
        current.sources().stream().filter(s -> s.environment().equals(id)).forEach(s -> users.add("source '" + s.id() + "'"));
        current.metrics().stream().filter(m -> m.environment().equals(id)).forEach(m -> users.add("metric '" + m.id() + "'"));
        if (!users.isEmpty()) {
            throw new Conflict("environment '" + id + "' is used by " + String.join(", ", users) + "; delete or move them first");
        }
        registry.change(file -> with(file, remove(file.environments(), EnvironmentEntry::id, id), null, null),
                "environment '" + id + "' deleted");
    }

    // -- destinations

    public Credentialed createDestination(DestinationEntry entry, boolean signed) {
        refuseGivenCredentials(entry);
        String id = entry.id();
        if (id != null && registry.current().destination(id).isPresent()) {
            throw new Conflict("destination '" + id + "' exists already");
        }
        String apiKey = generate("fmek_");
        String webhookSecret = generate("fmew_");
        String signingSecret = signed ? generate("fmes_") : null;
        DestinationEntry complete = withCredentials(entry, id, Credentials.hash(apiKey), Credentials.hash(webhookSecret), signingSecret);
        Destination created = registry.change(file -> with(file, null, add(file.destinations(), complete), null),
                "destination '" + id + "' created").destination(id).orElseThrow();
        return new Credentialed(created, apiKey, webhookSecret, signingSecret);
    }

    /** Replaces a destination's entry by what {@code edit} makes of the current one; its credentials stay. */
    public Destination updateDestination(String id, UnaryOperator<DestinationEntry> edit) {
        destination(id);
        return registry.change(file -> {
            DestinationEntry existing = find(file.destinations(), DestinationEntry::id, id, "destination");
            DestinationEntry entry = edit.apply(withCredentials(existing, id, null, null, null));
            refuseGivenCredentials(entry);
            DestinationEntry kept = withCredentials(entry, id, existing.apiKeyHash(), existing.webhookSecretHash(), existing.signingSecret());
            return with(file, null, replace(file.destinations(), DestinationEntry::id, id, kept), null);
        }, "destination '" + id + "' updated").destination(id).orElseThrow();
    }

    /**
     * New API key and webhook secret, and a new signing secret if the destination had one or
     * {@code signed} asks for one; the old ones stop working with the next request.
     */
    public Credentialed rotate(String id, Boolean signed) {
        Destination existing = destination(id);
        String apiKey = generate("fmek_");
        String webhookSecret = generate("fmew_");
        boolean sign = signed == null ? existing.signingSecret() != null : signed;
        String signingSecret = sign ? generate("fmes_") : null;
        Destination rotated = registry.change(file -> with(file, null, replace(file.destinations(), DestinationEntry::id, id,
                        withCredentials(entryOf(file, id), id, Credentials.hash(apiKey), Credentials.hash(webhookSecret), signingSecret)), null),
                "destination '" + id + "' credentials rotated").destination(id).orElseThrow();
        registry.forgetEarlierVersions(); // they hold the replaced signing secret
        return new Credentialed(rotated, apiKey, webhookSecret, signingSecret);
    }

    public void deleteDestination(String id) {
        destination(id);
        registry.change(file -> with(file, null, remove(file.destinations(), DestinationEntry::id, id), null),
                "destination '" + id + "' deleted");
    }

    // -- sources

    public Source createSource(SourceEntry entry) {
        String id = entry.id();
        if (id != null && registry.current().source(id).isPresent()) {
            throw new Conflict("source '" + id + "' exists already");
        }
        return registry.change(file -> with(file, null, null, add(file.sources(), entry)), "source '" + id + "' created")
                .source(id).orElseThrow();
    }

    /** Replaces a source's entry by what {@code edit} makes of the current one; a write key left out stays as it is. */
    public Source updateSource(String id, UnaryOperator<SourceEntry> edit) {
        source(id);
        boolean[] newWriteKey = {false};
        Source updated = registry.change(file -> {
            SourceEntry existing = find(file.sources(), SourceEntry::id, id, "source");
            SourceEntry entry = edit.apply(new SourceEntry(id, existing.environment(), null, existing.endpoint(), existing.identities(),
                    existing.batch()));
            newWriteKey[0] = entry.writeKey() != null && !entry.writeKey().equals(existing.writeKey());
            SourceEntry kept = new SourceEntry(id, entry.environment(), entry.writeKey() == null ? existing.writeKey() : entry.writeKey(),
                    entry.endpoint(), entry.identities(), entry.batch());
            return with(file, null, null, replace(file.sources(), SourceEntry::id, id, kept));
        }, "source '" + id + "' updated").source(id).orElseThrow();
        if (newWriteKey[0]) {
            registry.forgetEarlierVersions(); // they hold the replaced write key
        }
        return updated;
    }

    public void deleteSource(String id) {
        source(id);
        registry.change(file -> with(file, null, null, remove(file.sources(), SourceEntry::id, id)), "source '" + id + "' deleted");
    }

    // -- metrics

    public Metric createMetric(MetricEntry entry) {
        String id = entry.id();
        if (id != null && registry.current().metric(id).isPresent()) {
            throw new Conflict("metric '" + id + "' exists already");
        }
        return registry.change(file -> withMetrics(file, add(file.metrics(), entry)), "metric '" + id + "' created")
                .metric(id).orElseThrow();
    }

    /** Replaces a metric's entry by what {@code edit} makes of the current one. */
    public Metric updateMetric(String id, UnaryOperator<MetricEntry> edit) {
        metric(id);
        return registry.change(file -> {
            MetricEntry existing = find(file.metrics(), MetricEntry::id, id, "metric");
            MetricEntry entry = edit.apply(existing);
            MetricEntry kept = new MetricEntry(id, entry.name(), entry.description(), entry.environment(), entry.trafficType(),
                    entry.eventType(), entry.measure(), entry.higherIsBetter());
            return withMetrics(file, replace(file.metrics(), MetricEntry::id, id, kept));
        }, "metric '" + id + "' updated").metric(id).orElseThrow();
    }

    public void deleteMetric(String id) {
        metric(id);
        registry.change(file -> withMetrics(file, remove(file.metrics(), MetricEntry::id, id)), "metric '" + id + "' deleted");
    }

    /** The whole document replaced at once, as an import of an exported file. */
    public IntegrationSettings replaceAll(String yaml, Long expectedVersion) {
        IntegrationsFile imported = SettingsLoader.read(SettingsRegistry.CHANGE_NAME, yaml);
        IntegrationSettings settings = registry.change(file -> {
            if (expectedVersion != null && expectedVersion != registry.version()) {
                throw new Conflict("the settings are at version " + registry.version() + ", not " + expectedVersion
                        + "; export them again, or import without If-Match to replace them anyway");
            }
            return imported;
        }, "settings imported");
        registry.forgetEarlierVersions(); // an import may replace any secret
        return settings;
    }

    // -- helpers

    private Environment environment(String id) {
        return registry.current().environment(id).orElseThrow(() -> new NotFound("no environment '" + id + "'"));
    }

    private Destination destination(String id) {
        return registry.current().destination(id).orElseThrow(() -> new NotFound("no destination '" + id + "'"));
    }

    private Source source(String id) {
        return registry.current().source(id).orElseThrow(() -> new NotFound("no source '" + id + "'"));
    }

    private Metric metric(String id) {
        return registry.current().metric(id).orElseThrow(() -> new NotFound("no metric '" + id + "'"));
    }

    private static void refuseGivenCredentials(DestinationEntry entry) {
        if (entry.apiKey() != null || entry.apiKeyHash() != null || entry.webhookSecret() != null
                || entry.webhookSecretHash() != null || entry.signingSecret() != null) {
            throw new SettingsException(SettingsRegistry.CHANGE_NAME + ": destination '" + entry.id()
                    + "': credentials are generated by the service; leave apiKey, webhookSecret and signingSecret out "
                    + "(rotate to replace them)");
        }
    }

    private static DestinationEntry entryOf(IntegrationsFile file, String id) {
        return find(file.destinations(), DestinationEntry::id, id, "destination");
    }

    /** The entry as it is in the newest version: it may have gone since the caller looked. */
    private static <T> T find(List<T> entries, Function<T, String> idOf, String id, String kind) {
        return (entries == null ? List.<T>of() : entries).stream().filter(e -> id.equals(idOf.apply(e))).findFirst()
                .orElseThrow(() -> new NotFound("no " + kind + " '" + id + "'"));
    }

    private static DestinationEntry withCredentials(DestinationEntry d, String id, String apiKeyHash, String webhookSecretHash,
                                                    String signingSecret) {
        return new DestinationEntry(id, d.environment(), d.trafficType(), d.identity(), d.anonymousTrafficType(), d.identify(),
                d.track(), d.eventTypeIdField(), d.valueField(), d.namedPages(), d.namedScreens(), d.pageEventTemplate(),
                d.screenEventTemplate(), d.groupTrafficType(), null, prefixed(apiKeyHash), null, prefixed(webhookSecretHash),
                signingSecret);
    }

    private static String prefixed(String hash) {
        if (hash == null) {
            return null;
        }
        return hash.startsWith(SettingsValidator.HASH_PREFIX) ? hash : SettingsValidator.HASH_PREFIX + hash;
    }

    private static IntegrationsFile with(IntegrationsFile file, List<EnvironmentEntry> environments, List<DestinationEntry> destinations,
                                         List<SourceEntry> sources) {
        return new IntegrationsFile(environments == null ? file.environments() : environments,
                destinations == null ? file.destinations() : destinations, sources == null ? file.sources() : sources,
                file.metrics());
    }

    private static IntegrationsFile withMetrics(IntegrationsFile file, List<MetricEntry> metrics) {
        return new IntegrationsFile(file.environments(), file.destinations(), file.sources(), metrics);
    }

    private static <T> List<T> add(List<T> entries, T entry) {
        List<T> changed = new ArrayList<>(entries == null ? List.of() : entries);
        changed.add(entry);
        return changed;
    }

    private static <T> List<T> replace(List<T> entries, Function<T, String> idOf, String id, T entry) {
        List<T> changed = new ArrayList<>(entries == null ? List.of() : entries);
        changed.replaceAll(e -> Objects.equals(idOf.apply(e), id) ? entry : e);
        return changed;
    }

    private static <T> List<T> remove(List<T> entries, Function<T, String> idOf, String id) {
        List<T> changed = new ArrayList<>(entries == null ? List.of() : entries);
        changed.removeIf(e -> Objects.equals(idOf.apply(e), id));
        return changed;
    }

    private static String generate(String prefix) {
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
