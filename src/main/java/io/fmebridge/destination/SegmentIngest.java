package io.fmebridge.destination;

import java.util.ArrayList;
import java.util.List;

import io.fmebridge.destination.SegmentRequestGate.IngestRequest;
import io.fmebridge.store.SeenMessages;

/**
 * What {@code routes/segment-in.yaml} reads off a request: its context, its destination, its
 * messages for the splitter. And one duplicate look-up for all its messageIds before the split, so
 * that the idempotent consumer decides each message from that answer instead of a query per
 * message ({@link SeenMessages#lookUp}). And the facts about one message that the route branches
 * on: asked here by name rather than as {@code ${body.type()}} in Simple, because Camel builds a new
 * bean expression, with a copy of the exchange, for every such call on a message.
 */
public final class SegmentIngest {
    private final SeenMessages seenMessages;

    public SegmentIngest(SeenMessages seenMessages) {
        this.seenMessages = seenMessages;
    }

    public IngestContext context(IngestRequest request) {
        return request.context();
    }

    public String destinationId(IngestRequest request) {
        return request.destinationId();
    }

    public List<SegmentMessage> messages(IngestRequest request) {
        return request.messages();
    }

    /** Claims the messageIds of the messages that were read fine (a refused one never reaches the idempotent consumer). */
    public void lookUpMessageIds(IngestRequest request, SeenMessages.Claims claims) {
        List<String> messageIds = new ArrayList<>(request.messages().size());
        for (SegmentMessage m : request.messages()) {
            messageIds.add(m.problem() == null ? m.messageId() : null);
        }
        seenMessages.lookUp(claims, request.destinationId(), messageIds);
    }

    /** The message was refused while the request was read (not an object, too large): it is recorded, not mapped. */
    public boolean refusedWhileReading(SegmentMessage m) {
        return m.problem() != null;
    }

    /** A message without messageId can't be a duplicate: it skips the idempotent consumer. */
    public boolean withoutMessageId(SegmentMessage m) {
        return m.messageId() == null;
    }

    /** The idempotent consumer's key: a messageId counts once per destination (contract 3.4, Duplicates). */
    public String dedupeKey(String destinationId, SegmentMessage m) {
        return SeenMessages.key(destinationId, m.messageId());
    }

    /** The Segment type the content-based router branches on; null when the message has none. */
    public String type(SegmentMessage m) {
        return m.type();
    }
}
