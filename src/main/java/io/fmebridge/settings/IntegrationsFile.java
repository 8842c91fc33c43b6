package io.fmebridge.settings;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The file {@code config/integrations.yml} as written (contract section 2), before any check.
 * {@link SettingsValidator} turns it into {@link IntegrationSettings}. Inbound credentials may be
 * given as they are ({@code apiKey}) or as their hash ({@code apiKeyHash: sha256:<hex>}), the form
 * the service keeps them in and exports them as.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record IntegrationsFile(
        List<EnvironmentEntry> environments,
        List<DestinationEntry> destinations,
        List<SourceEntry> sources,
        List<MetricEntry> metrics) {

    public record EnvironmentEntry(
            String id,
            String name,
            List<String> trafficTypes,
            List<String> sdkKeys,
            List<String> sdkKeyHashes,
            String defaultTrafficType,
            Map<String, String> flagTrafficTypes,
            Map<String, ExperimentEntry> experiments) {
    }

    /** The readout's settings of one flag: the control treatment and the expected split (weights per treatment). */
    public record ExperimentEntry(String control, Map<String, Double> split) {
    }

    /** A metric of the experiment readout. */
    public record MetricEntry(
            String id,
            String name,
            String description,
            String environment,
            String trafficType,
            String eventType,
            String measure,
            Boolean higherIsBetter) {
    }

    public record DestinationEntry(
            String id,
            String environment,
            String trafficType,
            String identity,
            String anonymousTrafficType,
            Boolean identify,
            Boolean track,
            String eventTypeIdField,
            String valueField,
            Boolean namedPages,
            Boolean namedScreens,
            String pageEventTemplate,
            String screenEventTemplate,
            String groupTrafficType,
            String apiKey,
            String apiKeyHash,
            String webhookSecret,
            String webhookSecretHash,
            String signingSecret) {
    }

    public record SourceEntry(
            String id,
            String environment,
            String writeKey,
            String endpoint,
            Map<String, String> identities,
            BatchEntry batch) {
    }

    public record BatchEntry(Integer maxMessages, Integer maxBytes, String maxDelay) {
    }
}
