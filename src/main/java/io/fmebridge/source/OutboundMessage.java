package io.fmebridge.source;

/** A Segment {@code track} message for one source, ready to be batched: its JSON text and size. */
public record OutboundMessage(String sourceId, String messageId, String json, int sizeBytes) {
}
