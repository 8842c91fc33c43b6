package io.fmebridge.settings;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.fmebridge.destination.Credentials;
import io.fmebridge.settings.IntegrationsFile.BatchEntry;
import io.fmebridge.settings.IntegrationsFile.DestinationEntry;
import io.fmebridge.settings.IntegrationsFile.EnvironmentEntry;
import io.fmebridge.settings.IntegrationsFile.ExperimentEntry;
import io.fmebridge.settings.IntegrationsFile.MetricEntry;
import io.fmebridge.settings.IntegrationsFile.SourceEntry;

/**
 * Checks an {@link IntegrationsFile} against contract section 2 and builds the settings the
 * service runs on. Every problem is reported as "file: entry: problem".
 */
public final class SettingsValidator {
    /** Segment's limits on what one request may carry (contract 5.2). */
    public static final int SEGMENT_MAX_REQUEST_BYTES = 500 * 1024;
    public static final int SEGMENT_MAX_BATCH_MESSAGES = 2500;

    /** Ids appear in URLs and in the database: short, and free of characters that need escaping. */
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final int MAX_TRAFFIC_TYPE_LENGTH = 100;
    /** How a stored credential hash is written: {@code sha256:<hex>}. */
    public static final String HASH_PREFIX = "sha256:";
    /** An event type id as track events are stored (contract 3.4). */
    private static final java.util.regex.Pattern EVENT_TYPE_ID = java.util.regex.Pattern.compile("[a-zA-Z0-9][-_.:a-zA-Z0-9]{0,79}");
    private static final java.util.regex.Pattern SHA256_HEX = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    private final String file;

    public SettingsValidator(String file) {
        this.file = file;
    }

    public IntegrationSettings validate(IntegrationsFile raw) {
        List<Environment> environments = new ArrayList<>();
        Map<String, Environment> byId = new LinkedHashMap<>();
        Set<String> sdkKeys = new HashSet<>();
        List<EnvironmentEntry> envEntries = raw.environments() == null ? List.of() : raw.environments();
        for (int i = 0; i < envEntries.size(); i++) {
            Environment env = environment(envEntries.get(i), "environments[" + i + "]", sdkKeys);
            if (byId.putIfAbsent(env.id(), env) != null) {
                throw fail("environments[" + i + "] '" + env.id() + "'", "duplicate id '" + env.id() + "'");
            }
            environments.add(env);
        }

        List<Destination> destinations = new ArrayList<>();
        Set<String> destinationIds = new HashSet<>();
        Set<String> apiKeys = new HashSet<>();
        List<DestinationEntry> destEntries = raw.destinations() == null ? List.of() : raw.destinations();
        for (int i = 0; i < destEntries.size(); i++) {
            DestinationEntry entry = destEntries.get(i);
            String where = "destinations[" + i + "]" + (entry.id() == null ? "" : " '" + entry.id() + "'");
            Destination destination = destination(entry, where, byId);
            if (!destinationIds.add(destination.id())) {
                throw fail(where, "duplicate id '" + destination.id() + "'");
            }
            if (!apiKeys.add(destination.apiKeyHash())) {
                throw fail(where, "apiKey is already used by another destination; each key selects one destination");
            }
            destinations.add(destination);
        }

        List<Source> sources = new ArrayList<>();
        Set<String> sourceIds = new HashSet<>();
        List<SourceEntry> sourceEntries = raw.sources() == null ? List.of() : raw.sources();
        for (int i = 0; i < sourceEntries.size(); i++) {
            SourceEntry entry = sourceEntries.get(i);
            String where = "sources[" + i + "]" + (entry.id() == null ? "" : " '" + entry.id() + "'");
            Source source = source(entry, where, byId);
            if (!sourceIds.add(source.id())) {
                throw fail(where, "duplicate id '" + source.id() + "'");
            }
            sources.add(source);
        }

        List<Metric> metrics = new ArrayList<>();
        Set<String> metricIds = new HashSet<>();
        List<MetricEntry> metricEntries = raw.metrics() == null ? List.of() : raw.metrics();
        for (int i = 0; i < metricEntries.size(); i++) {
            MetricEntry entry = metricEntries.get(i);
            String where = "metrics[" + i + "]" + (entry.id() == null ? "" : " '" + entry.id() + "'");
            Metric metric = metric(entry, where, byId);
            if (!metricIds.add(metric.id())) {
                throw fail(where, "duplicate id '" + metric.id() + "'");
            }
            metrics.add(metric);
        }
        return new IntegrationSettings(environments, destinations, sources, metrics);
    }

    private Metric metric(MetricEntry m, String where, Map<String, Environment> environments) {
        String id = id(m.id(), where);
        Environment env = environmentOf(m.environment(), where, environments);
        String trafficType = trafficType(required(m.trafficType(), where, "trafficType"), env, where, "trafficType");
        String eventType = required(m.eventType(), where, "eventType").trim();
        if (!EVENT_TYPE_ID.matcher(eventType).matches()) {
            throw fail(where, "eventType '" + eventType + "' is not an event type id: 1 to 80 letters, digits, '-', '_', '.' "
                    + "or ':', starting with a letter or digit (spaces are stored as '_')");
        }
        Metric.Measure measure;
        try {
            measure = Metric.Measure.parse(required(m.measure(), where, "measure"));
        } catch (IllegalArgumentException ex) {
            throw fail(where, "measure must be conversion, count, sum or average, not '" + m.measure() + "'");
        }
        String name = m.name() == null || m.name().isBlank() ? id : m.name().trim();
        if (name.length() > 200) {
            throw fail(where, "name is over 200 characters");
        }
        String description = m.description() == null || m.description().isBlank() ? null : m.description().trim();
        if (description != null && description.length() > 2000) {
            throw fail(where, "description is over 2000 characters");
        }
        return new Metric(id, name, description, env.id(), trafficType, eventType, measure,
                m.higherIsBetter() == null || m.higherIsBetter());
    }

    private Map<String, Experiment> experiments(Map<String, ExperimentEntry> entries, String where) {
        Map<String, Experiment> experiments = new LinkedHashMap<>();
        if (entries == null) {
            return experiments;
        }
        for (Map.Entry<String, ExperimentEntry> e : entries.entrySet()) {
            String flag = e.getKey();
            String at = "experiments." + flag;
            if (flag == null || flag.isBlank()) {
                throw fail(where, "experiments has an empty flag name");
            }
            if (e.getValue() == null) {
                continue; // a flag given no entry (a merge patch's null) has none
            }
            ExperimentEntry x = e.getValue();
            String control = x.control() == null ? null : x.control().trim();
            if (control != null && control.isEmpty()) {
                throw fail(where, at + ".control is empty; name a treatment, or leave it out for 'off' or else the first seen");
            }
            Map<String, Double> split = new LinkedHashMap<>();
            if (x.split() != null) {
                for (Map.Entry<String, Double> w : x.split().entrySet()) {
                    if (w.getKey() == null || w.getKey().isBlank()) {
                        throw fail(where, at + ".split has an empty treatment name");
                    }
                    if (w.getValue() == null || !(w.getValue() > 0) || w.getValue().isInfinite()) {
                        throw fail(where, at + ".split." + w.getKey() + " must be a number above 0 (a share, such as 50), not "
                                + w.getValue());
                    }
                    split.put(w.getKey(), w.getValue());
                }
                if (split.size() == 1) {
                    throw fail(where, at + ".split names one treatment; give the share of every treatment, or leave split out");
                }
            }
            if (control != null && !split.isEmpty() && !split.containsKey(control)) {
                throw fail(where, at + ".control '" + control + "' is not one of split " + split.keySet());
            }
            experiments.put(flag, new Experiment(control, java.util.Collections.unmodifiableMap(split)));
        }
        return experiments;
    }

    private Environment environment(EnvironmentEntry e, String where, Set<String> sdkKeys) {
        String id = id(e.id(), where);
        where = where + " '" + id + "'";
        if (e.trafficTypes() == null || e.trafficTypes().isEmpty()) {
            throw fail(where, "trafficTypes is missing; list at least one traffic type");
        }
        Set<String> trafficTypes = new LinkedHashSet<>();
        for (String tt : e.trafficTypes()) {
            if (tt == null || tt.isBlank()) {
                throw fail(where, "trafficTypes has an empty name");
            }
            if (tt.trim().length() > MAX_TRAFFIC_TYPE_LENGTH) {
                throw fail(where, "traffic type '" + tt + "' is over " + MAX_TRAFFIC_TYPE_LENGTH + " characters");
            }
            trafficTypes.add(lower(tt));
        }
        List<String> keyHashes = new ArrayList<>();
        for (String key : e.sdkKeys() == null ? List.<String>of() : e.sdkKeys()) {
            if (key == null || key.isBlank()) {
                throw fail(where, "sdkKeys has an empty key");
            }
            keyHashes.add(Credentials.hash(key));
        }
        for (String hash : e.sdkKeyHashes() == null ? List.<String>of() : e.sdkKeyHashes()) {
            keyHashes.add(hash(hash, where, "sdkKeyHashes"));
        }
        for (String hash : keyHashes) {
            if (!sdkKeys.add(hash)) {
                throw fail(where, "an SDK key is listed twice; each key selects one environment");
            }
        }
        String defaultTt = e.defaultTrafficType() == null ? trafficTypes.iterator().next() : lower(e.defaultTrafficType());
        if (!trafficTypes.contains(defaultTt)) {
            throw fail(where, "defaultTrafficType '" + defaultTt + "' is not one of trafficTypes " + trafficTypes);
        }
        Map<String, String> flagTts = new LinkedHashMap<>();
        if (e.flagTrafficTypes() != null) {
            for (Map.Entry<String, String> flag : e.flagTrafficTypes().entrySet()) {
                String tt = lower(flag.getValue());
                if (tt == null || !trafficTypes.contains(tt)) {
                    throw fail(where, "flagTrafficTypes." + flag.getKey() + " names unknown traffic type '" + flag.getValue() + "'");
                }
                flagTts.put(flag.getKey(), tt);
            }
        }
        return new Environment(id, e.name() == null ? id : e.name(), java.util.Collections.unmodifiableSet(trafficTypes),
                List.copyOf(keyHashes), defaultTt, java.util.Collections.unmodifiableMap(flagTts),
                java.util.Collections.unmodifiableMap(experiments(e.experiments(), where)));
    }

    private Destination destination(DestinationEntry d, String where, Map<String, Environment> environments) {
        String id = id(d.id(), where);
        Environment env = environmentOf(d.environment(), where, environments);
        String trafficType = trafficType(required(d.trafficType(), where, "trafficType"), env, where, "trafficType");
        Destination.Identity identity;
        try {
            identity = d.identity() == null ? Destination.Identity.userId : Destination.Identity.valueOf(d.identity());
        } catch (IllegalArgumentException ex) {
            throw fail(where, "identity must be userId or anonymousId, not '" + d.identity() + "'");
        }
        String anonymousTt = d.anonymousTrafficType() == null ? null
                : trafficType(d.anonymousTrafficType(), env, where, "anonymousTrafficType");
        String groupTt = d.groupTrafficType() == null ? null
                : trafficType(d.groupTrafficType(), env, where, "groupTrafficType");
        FieldPath eventTypeIdField = path(d.eventTypeIdField() == null ? "event" : d.eventTypeIdField(), where, "eventTypeIdField");
        FieldPath valueField = d.valueField() == null ? null : path(d.valueField(), where, "valueField");
        String pageTemplate = template(d.pageEventTemplate(), "view_{name}_page", where, "pageEventTemplate");
        String screenTemplate = template(d.screenEventTemplate(), "view_{name}_screen", where, "screenEventTemplate");
        String apiKeyHash = inboundCredential(d.apiKey(), d.apiKeyHash(), where, "apiKey");
        String webhookSecretHash = inboundCredential(d.webhookSecret(), d.webhookSecretHash(), where, "webhookSecret");
        String signingSecret = d.signingSecret() == null ? null : credential(d.signingSecret(), where, "signingSecret");
        return new Destination(id, env.id(), trafficType, identity, anonymousTt,
                flag(d.identify()), flag(d.track()), eventTypeIdField, valueField,
                flag(d.namedPages()), flag(d.namedScreens()), pageTemplate, screenTemplate, groupTt,
                apiKeyHash, webhookSecretHash, signingSecret);
    }

    private Source source(SourceEntry s, String where, Map<String, Environment> environments) {
        String id = id(s.id(), where);
        Environment env = environmentOf(s.environment(), where, environments);
        String writeKey = credential(s.writeKey(), where, "writeKey");
        String endpoint = s.endpoint() == null ? "https://api.segment.io" : s.endpoint().trim();
        try {
            URI uri = URI.create(endpoint);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw fail(where, "endpoint must be an http(s) URL such as https://api.segment.io, not '" + endpoint + "'");
            }
        } catch (IllegalArgumentException ex) {
            throw fail(where, "endpoint must be an http(s) URL such as https://api.segment.io, not '" + endpoint + "'");
        }
        Map<String, Destination.Identity> identities = new LinkedHashMap<>();
        if (s.identities() != null) {
            for (Map.Entry<String, String> e : s.identities().entrySet()) {
                String tt = trafficType(e.getKey(), env, where, "identities");
                try {
                    identities.put(tt, Destination.Identity.valueOf(e.getValue()));
                } catch (IllegalArgumentException | NullPointerException ex) {
                    throw fail(where, "identities." + e.getKey() + " must be userId or anonymousId, not '" + e.getValue() + "'");
                }
            }
        }
        BatchEntry batch = s.batch() == null ? new BatchEntry(null, null, null) : s.batch();
        int maxMessages = batch.maxMessages() == null ? 100 : batch.maxMessages();
        if (maxMessages < 1 || maxMessages > SEGMENT_MAX_BATCH_MESSAGES) {
            throw fail(where, "batch.maxMessages must be between 1 and " + SEGMENT_MAX_BATCH_MESSAGES + ", not " + maxMessages);
        }
        int maxBytes = batch.maxBytes() == null ? 460_000 : batch.maxBytes();
        if (maxBytes < 33 * 1024 || maxBytes > SEGMENT_MAX_REQUEST_BYTES) {
            throw fail(where, "batch.maxBytes must be between " + 33 * 1024 + " and " + SEGMENT_MAX_REQUEST_BYTES + ", not " + maxBytes);
        }
        Duration maxDelay;
        try {
            maxDelay = DurationText.parse(batch.maxDelay() == null ? "2s" : batch.maxDelay());
        } catch (IllegalArgumentException ex) {
            throw fail(where, "batch.maxDelay " + ex.getMessage());
        }
        return new Source(id, env.id(), writeKey, endpoint.replaceAll("/+$", ""), java.util.Collections.unmodifiableMap(identities),
                maxMessages, maxBytes, maxDelay);
    }

    private Environment environmentOf(String id, String where, Map<String, Environment> environments) {
        required(id, where, "environment");
        Environment env = environments.get(id);
        if (env == null) {
            throw fail(where, "unknown environment '" + id + "'; known: " + environments.keySet());
        }
        return env;
    }

    private String trafficType(String name, Environment env, String where, String field) {
        String tt = lower(name);
        if (!env.trafficTypes().contains(tt)) {
            throw fail(where, field + " '" + name + "' is not a traffic type of environment '" + env.id() + "' " + env.trafficTypes());
        }
        return tt;
    }

    private FieldPath path(String text, String where, String field) {
        try {
            return FieldPath.parse(text);
        } catch (IllegalArgumentException ex) {
            throw fail(where, field + ": " + ex.getMessage());
        }
    }

    private String template(String text, String fallback, String where, String field) {
        if (text == null) {
            return fallback;
        }
        if (!text.contains("{name}")) {
            throw fail(where, field + " '" + text + "' must contain {name}");
        }
        return text;
    }

    private String credential(String value, String where, String field) {
        if (value == null || value.isBlank()) {
            throw fail(where, field + " is missing");
        }
        if (value.length() < 8) {
            throw fail(where, field + " is too short; use at least 8 characters");
        }
        return value;
    }

    /** The hash of a credential given as it is ({@code apiKey}) or already hashed ({@code apiKeyHash}). */
    private String inboundCredential(String value, String hash, String where, String field) {
        if (value != null && hash != null) {
            throw fail(where, "give " + field + " or " + field + "Hash, not both");
        }
        return hash != null ? hash(hash, where, field + "Hash") : Credentials.hash(credential(value, where, field));
    }

    /** {@code sha256:<64 hex digits>}, as the service writes it; the bare hex is taken too. */
    private String hash(String text, String where, String field) {
        String hex = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (hex.startsWith(HASH_PREFIX)) {
            hex = hex.substring(HASH_PREFIX.length());
        }
        if (!SHA256_HEX.matcher(hex).matches()) {
            throw fail(where, field + " must be sha256: followed by 64 hex digits");
        }
        return hex;
    }

    private String id(String value, String where) {
        required(value, where, "id");
        if (!ID.matcher(value).matches()) {
            throw fail(where, "id '" + value + "' must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return value;
    }

    private String required(String value, String where, String field) {
        if (value == null || value.isBlank()) {
            throw fail(where, field + " is missing");
        }
        return value;
    }

    private static boolean flag(Boolean value) {
        return value == null || value;
    }

    private static String lower(String s) {
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }

    private SettingsException fail(String where, String problem) {
        return new SettingsException(file + ": " + where + ": " + problem);
    }
}
