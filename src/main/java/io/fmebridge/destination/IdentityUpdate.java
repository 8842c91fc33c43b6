package io.fmebridge.destination;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Creates or updates an FME identity; the attributes named are set, others are kept.
 * Attribute values are JSON values so that strings, numbers and booleans keep their type.
 */
public record IdentityUpdate(
        String environmentId,
        String trafficType,
        String key,
        Map<String, JsonNode> attributes,
        long updatedAt) {
}
