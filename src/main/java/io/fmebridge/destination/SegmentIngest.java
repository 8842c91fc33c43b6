package io.fmebridge.destination;

import java.util.ArrayList;
import java.util.List;

import io.fmebridge.destination.SegmentRequestGate.IngestRequest;
import io.fmebridge.store.SeenMessages;
import io.fmebridge.store.WriteSet;

/**
 * Every message of a request, in order, becomes one result (contract 3.4, 3.5): a message refused
 * while reading is recorded with its reason; a messageId the destination already took in, or that
 * came earlier in the request, is a duplicate; any other message goes through the content-based
 * router on its type ({@link SegmentMessageMapper#map}). The results are gathered into the one
 * {@link WriteSet} the group commit writes.
 *
 * <p>The duplicate check claims all the request's messageIds at once, with one database look-up
 * ({@link SeenMessages#claimAll}), rather than one per message.
 */
public final class SegmentIngest {
    private final SegmentMessageMapper mapper;
    private final SeenMessages seenMessages;

    public SegmentIngest(SegmentMessageMapper mapper, SeenMessages seenMessages) {
        this.mapper = mapper;
        this.seenMessages = seenMessages;
    }

    /** The request's destination, for the logs. */
    public String destinationId(IngestRequest request) {
        return request.destinationId();
    }

    public WriteSet map(IngestRequest request, SeenMessages.Claims claims) {
        IngestContext ctx = request.context();
        List<SegmentMessage> messages = request.messages();
        List<String> messageIds = new ArrayList<>(messages.size());
        for (SegmentMessage m : messages) {
            messageIds.add(m.problem() == null ? m.messageId() : null); // a refused message is not claimed
        }
        boolean[] duplicate = seenMessages.claimAll(claims, request.destinationId(), messageIds);
        WriteSet writeSet = new WriteSet();
        for (int i = 0; i < messages.size(); i++) {
            SegmentMessage m = messages.get(i);
            if (m.problem() != null) {
                writeSet.add(mapper.refused(m, ctx));
            } else if (duplicate[i]) {
                writeSet.add(mapper.duplicate(m, ctx));
            } else {
                writeSet.add(mapper.map(m, ctx));
            }
        }
        return writeSet;
    }
}
