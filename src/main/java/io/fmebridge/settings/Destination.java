package io.fmebridge.settings;

/**
 * FME as a Segment destination (contract section 2, "destinations"), checked and ready to use.
 * Traffic type names are lower case. The API key and webhook secret are kept only as their
 * SHA-256 hashes ({@link io.fmebridge.destination.Credentials#hash}); the signing secret is kept
 * as it is, since checking an HMAC needs it.
 */
public record Destination(
        String id,
        String environment,
        String trafficType,
        Identity identity,
        String anonymousTrafficType,
        boolean identify,
        boolean track,
        FieldPath eventTypeIdField,
        FieldPath valueField,
        boolean namedPages,
        boolean namedScreens,
        String pageEventTemplate,
        String screenEventTemplate,
        String groupTrafficType,
        String apiKeyHash,
        String webhookSecretHash,
        String signingSecret) {

    /** Which Segment identity field is the FME key. */
    public enum Identity {
        userId, anonymousId
    }

    @Override
    public String toString() {
        return "Destination[" + id + "]"; // never the credentials
    }
}
