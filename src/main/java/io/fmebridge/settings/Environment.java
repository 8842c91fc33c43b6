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
        Map<String, String> flagTrafficTypes) {

    @Override
    public String toString() {
        return "Environment[" + id + "]"; // nor the key hashes
    }

    public boolean hasTrafficType(String trafficType) {
        return trafficType != null && trafficTypes.contains(trafficType.toLowerCase(java.util.Locale.ROOT));
    }
}
