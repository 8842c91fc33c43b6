package io.fmebridge.settings;

import java.time.Duration;
import java.util.Map;

/** FME as a Segment source (contract section 2, "sources"): one Segment workspace of an environment. */
public record Source(
        String id,
        String environment,
        String writeKey,
        String endpoint,
        Map<String, Destination.Identity> identities,
        int maxMessages,
        int maxBytes,
        Duration maxDelay) {

    @Override
    public String toString() {
        return "Source[" + id + "]"; // never the write key
    }
}
