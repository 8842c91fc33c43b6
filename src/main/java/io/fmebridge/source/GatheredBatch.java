package io.fmebridge.source;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Messages for one source, gathered towards one {@code POST /v1/batch}. A request's messages
 * for a source arrive as one piece (never larger than a batch may be); the aggregator merges
 * pieces until the next would not fit. Serializable, since the aggregator's JDBC repository
 * keeps it on disk while it grows.
 */
public final class GatheredBatch implements Serializable {
    private static final long serialVersionUID = 1L;
    /** {"batch":[ ... ],"sentAt":"2026-01-01T00:00:00.000Z"} around the messages, with room to spare. */
    public static final int ENVELOPE_BYTES = 64;

    private final String sourceId;
    private final int maxMessages;
    private final int maxBytes;
    private final long maxDelayMillis;
    private final ArrayList<String> messages = new ArrayList<>();
    private final ArrayList<String> messageIds = new ArrayList<>();
    private int bytes = ENVELOPE_BYTES;
    private final long createdAt;
    private int counted; // messages counted without their text (countsOnly copies)

    public GatheredBatch(String sourceId, int maxMessages, int maxBytes, long maxDelayMillis) {
        this(sourceId, maxMessages, maxBytes, maxDelayMillis, System.currentTimeMillis());
    }

    private GatheredBatch(String sourceId, int maxMessages, int maxBytes, long maxDelayMillis, long createdAt) {
        this.createdAt = createdAt;
        this.sourceId = sourceId;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.maxDelayMillis = maxDelayMillis;
    }

    /** True when the message fits; a message is added only while count and bytes stay within the limits. */
    public boolean fits(OutboundMessage message) {
        return size() < maxMessages && bytes + message.sizeBytes() + 1 <= maxBytes;
    }

    public void add(OutboundMessage message) {
        messages.add(message.json());
        messageIds.add(message.messageId());
        bytes += message.sizeBytes() + 1;
    }

    /** A copy with the same counts and limits but no message texts. */
    public GatheredBatch countsOnly() {
        GatheredBatch copy = new GatheredBatch(sourceId, maxMessages, maxBytes, maxDelayMillis, createdAt);
        copy.counted += size();
        copy.bytes = bytes;
        return copy;
    }

    public boolean fits(GatheredBatch other) {
        return size() + other.size() <= maxMessages
                && bytes + other.bytes - ENVELOPE_BYTES <= maxBytes;
    }

    public void addAll(GatheredBatch other) {
        messages.addAll(other.messages);
        messageIds.addAll(other.messageIds);
        counted += other.counted;
        bytes += other.bytes - ENVELOPE_BYTES;
    }

    /** Full: no further message could be added. */
    public boolean full() {
        return size() >= maxMessages || bytes >= maxBytes - 1024;
    }

    public String sourceId() {
        return sourceId;
    }

    public int maxMessages() {
        return maxMessages;
    }

    public int maxBytes() {
        return maxBytes;
    }

    public long maxDelayMillis() {
        return maxDelayMillis;
    }

    /** Time left until {@code maxDelay} after the first message; the aggregator's completion timeout. */
    public long remainingDelayMillis() {
        return Math.max(1, createdAt + maxDelayMillis - System.currentTimeMillis());
    }

    public List<String> messages() {
        return messages;
    }

    public List<String> messageIds() {
        return messageIds;
    }

    public int size() {
        return messages.size() + counted;
    }

    public long createdAt() {
        return createdAt;
    }

    public int bytes() {
        return bytes;
    }
}
