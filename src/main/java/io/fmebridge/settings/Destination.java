package io.fmebridge.settings;

/**
 * FME as a Segment destination (contract section 2, "destinations"), checked and ready to use.
 * Traffic type names are lower case.
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
        String apiKey,
        String webhookSecret,
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
