package io.fmebridge.settings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fmebridge.destination.Credentials;

/** One consistent, checked set of environments, destinations and sources, with look-ups. */
public final class IntegrationSettings {
    private final Map<String, Environment> environments = new LinkedHashMap<>();
    private final Map<String, Destination> destinations = new LinkedHashMap<>();
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final Map<String, Metric> metrics = new LinkedHashMap<>();
    // API keys are looked up by their digest, so the look-up time says nothing about the key itself.
    private final Map<String, Destination> destinationsByApiKeyDigest = new LinkedHashMap<>();
    private final Map<String, Environment> environmentsBySdkKeyDigest = new LinkedHashMap<>();
    private final Map<String, List<Source>> sourcesByEnvironment = new LinkedHashMap<>();

    public IntegrationSettings(List<Environment> environments, List<Destination> destinations, List<Source> sources) {
        this(environments, destinations, sources, List.of());
    }

    public IntegrationSettings(List<Environment> environments, List<Destination> destinations, List<Source> sources,
                               List<Metric> metrics) {
        metrics.forEach(m -> this.metrics.put(m.id(), m));
        environments.forEach(e -> {
            this.environments.put(e.id(), e);
            e.sdkKeyHashes().forEach(hash -> environmentsBySdkKeyDigest.put(hash, e));
        });
        destinations.forEach(d -> {
            this.destinations.put(d.id(), d);
            destinationsByApiKeyDigest.put(d.apiKeyHash(), d);
        });
        sources.forEach(s -> {
            this.sources.put(s.id(), s);
            sourcesByEnvironment.computeIfAbsent(s.environment(), k -> new java.util.ArrayList<>()).add(s);
        });
    }

    public Optional<Environment> environment(String id) {
        return Optional.ofNullable(environments.get(id));
    }

    public Optional<Destination> destination(String id) {
        return Optional.ofNullable(destinations.get(id));
    }

    public Optional<Source> source(String id) {
        return Optional.ofNullable(sources.get(id));
    }

    public Optional<Metric> metric(String id) {
        return Optional.ofNullable(metrics.get(id));
    }

    /** The readout's metrics, in the order they were defined. */
    public List<Metric> metrics() {
        return List.copyOf(metrics.values());
    }

    public Optional<Destination> destinationByApiKey(String apiKey) {
        return apiKey == null ? Optional.empty() : Optional.ofNullable(destinationsByApiKeyDigest.get(digest(apiKey)));
    }

    public Optional<Environment> environmentBySdkKey(String sdkKey) {
        return sdkKey == null ? Optional.empty() : Optional.ofNullable(environmentsBySdkKeyDigest.get(digest(sdkKey)));
    }

    /** Every source of the environment: each one is a Segment workspace that gets every impression. */
    public List<Source> sourcesOf(String environmentId) {
        return sourcesByEnvironment.getOrDefault(environmentId, List.of());
    }

    public List<Environment> environments() {
        return List.copyOf(environments.values());
    }

    public List<Destination> destinations() {
        return List.copyOf(destinations.values());
    }

    public List<Source> sources() {
        return List.copyOf(sources.values());
    }

    static String digest(String secret) {
        return Credentials.hash(secret);
    }
}
