package io.fmebridge.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import io.fmebridge.settings.IntegrationsFile.BatchEntry;
import io.fmebridge.settings.IntegrationsFile.DestinationEntry;
import io.fmebridge.settings.IntegrationsFile.EnvironmentEntry;
import io.fmebridge.settings.IntegrationsFile.ExperimentEntry;
import io.fmebridge.settings.IntegrationsFile.MetricEntry;
import io.fmebridge.settings.IntegrationsFile.SourceEntry;

/**
 * Settings written back in the file's format (contract section 2), as the database keeps them and
 * the export gives them: every default spelled out, inbound credentials as their hashes
 * ({@code apiKeyHash: sha256:...}), outbound ones (write keys) and signing secrets as they are,
 * since the service has to present or compute with them.
 */
public final class SettingsDocument {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private SettingsDocument() {
    }

    public static IntegrationsFile of(IntegrationSettings settings) {
        List<EnvironmentEntry> environments = new ArrayList<>();
        for (Environment e : settings.environments()) {
            environments.add(new EnvironmentEntry(e.id(), e.name(), List.copyOf(e.trafficTypes()), null,
                    e.sdkKeyHashes().isEmpty() ? null : e.sdkKeyHashes().stream().map(SettingsDocument::hash).toList(),
                    e.defaultTrafficType(), e.flagTrafficTypes().isEmpty() ? null : new LinkedHashMap<>(e.flagTrafficTypes()),
                    experiments(e)));
        }
        List<DestinationEntry> destinations = new ArrayList<>();
        for (Destination d : settings.destinations()) {
            destinations.add(new DestinationEntry(d.id(), d.environment(), d.trafficType(), d.identity().name(),
                    d.anonymousTrafficType(), d.identify(), d.track(), d.eventTypeIdField().toString(),
                    d.valueField() == null ? null : d.valueField().toString(), d.namedPages(), d.namedScreens(),
                    d.pageEventTemplate(), d.screenEventTemplate(), d.groupTrafficType(),
                    null, hash(d.apiKeyHash()), null, hash(d.webhookSecretHash()), d.signingSecret()));
        }
        List<SourceEntry> sources = new ArrayList<>();
        for (Source s : settings.sources()) {
            Map<String, String> identities = new LinkedHashMap<>();
            s.identities().forEach((trafficType, identity) -> identities.put(trafficType, identity.name()));
            sources.add(new SourceEntry(s.id(), s.environment(), s.writeKey(), s.endpoint(), identities.isEmpty() ? null : identities,
                    new BatchEntry(s.maxMessages(), s.maxBytes(), DurationText.format(s.maxDelay()))));
        }
        List<MetricEntry> metrics = new ArrayList<>();
        for (Metric m : settings.metrics()) {
            metrics.add(new MetricEntry(m.id(), m.name(), m.description(), m.environment(), m.trafficType(), m.eventType(),
                    m.measure().name(), m.higherIsBetter()));
        }
        return new IntegrationsFile(environments, destinations, sources, metrics.isEmpty() ? null : metrics);
    }

    private static Map<String, ExperimentEntry> experiments(Environment e) {
        if (e.experiments().isEmpty()) {
            return null;
        }
        Map<String, ExperimentEntry> experiments = new LinkedHashMap<>();
        e.experiments().forEach((flag, x) -> experiments.put(flag,
                new ExperimentEntry(x.control(), x.split().isEmpty() ? null : new LinkedHashMap<>(x.split()))));
        return experiments;
    }

    public static String yaml(IntegrationsFile file) {
        try {
            return YAML.writeValueAsString(file);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("settings cannot be written as YAML", e);
        }
    }

    public static String yaml(IntegrationSettings settings) {
        return yaml(of(settings));
    }

    private static String hash(String hex) {
        return SettingsValidator.HASH_PREFIX + hex;
    }
}
