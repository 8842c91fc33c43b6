package io.fmebridge.destination;

import java.util.ArrayList;
import java.util.List;

import io.fmebridge.destination.SegmentRequestGate.IngestRequest;
import io.fmebridge.store.SeenMessages;

/**
 * What {@code routes/segment-in.yaml} reads off a request: its context, its destination, its
 * messages for the splitter. And one duplicate look-up for all its messageIds before the split, so
 * that the idempotent consumer decides each message from that answer instead of a query per
 * message ({@link SeenMessages#lookUp}).
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
}
