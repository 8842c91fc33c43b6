package io.fmebridge.settings;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** An FME environment: its traffic types (lower case) and the hashes of the SDK keys that select it. */
public record Environment(
        String id,
        String name,
        Set<String> trafficTypes,
        List<String> sdkKeyHashes,
        String defaultTrafficType,
        Map<String, String> flagTrafficTypes,
        Map<String, Experiment> experiments) {

    @Override
    public String toString() {
        return "Environment[" + id + "]"; // nor the key hashes
    }

    /** The traffic type of a flag's impressions: its own in {@code flagTrafficTypes}, else the default. */
    public String trafficTypeOf(String flag) {
        return flagTrafficTypes.getOrDefault(flag, defaultTrafficType);
    }

    /** How the readout reads a flag: its entry in {@code experiments}, else the defaults. */
    public Experiment experiment(String flag) {
        return experiments.getOrDefault(flag, Experiment.DEFAULT);
    }

    public boolean hasTrafficType(String trafficType) {
        return trafficType != null && trafficTypes.contains(trafficType.toLowerCase(java.util.Locale.ROOT));
    }
}
