package io.fmebridge.destination;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Segment message of a request, as parsed.
 *
 * @param ordinal   its place in the request, counting from 1
 * @param json      the message, with batch-level {@code context}, {@code integrations} and
 *                  {@code sentAt} merged in; null when {@code problem} is set
 * @param sizeBytes its size in the request body
 * @param problem   set when the message was refused while parsing (not an object, too large)
 */
public record SegmentMessage(int ordinal, ObjectNode json, int sizeBytes, String type, String messageId,
                             DropReason problem, String problemDetail) {

    public static SegmentMessage of(int ordinal, ObjectNode json, int sizeBytes) {
        String type = json.path("type").isTextual() ? json.get("type").asText().trim().toLowerCase(java.util.Locale.ROOT) : null;
        String messageId = json.path("messageId").isValueNode() && !json.get("messageId").isNull()
                && !json.get("messageId").asText().isBlank() ? json.get("messageId").asText() : null;
        return new SegmentMessage(ordinal, json, sizeBytes, type, messageId, null, null);
    }

    public static SegmentMessage refused(int ordinal, int sizeBytes, String messageId, DropReason reason, String detail) {
        return new SegmentMessage(ordinal, null, sizeBytes, null, messageId, reason, detail);
    }

    // Identity, not the record's deep equality: routes evaluate expressions on messages, and
    // hashing a whole JSON tree for that costs more than the mapping.
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
