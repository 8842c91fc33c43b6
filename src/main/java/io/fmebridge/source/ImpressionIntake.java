package io.fmebridge.source;

import java.util.ArrayList;
import java.util.List;

import io.fmebridge.settings.Environment;
import io.fmebridge.settings.Source;

/**
 * Turns an accepted impressions request into what is gathered for Segment (per source of the
 * environment, the request's messages in pieces that each fit one batch; a message over 32 KB goes
 * to the source's dead letters instead), and into what the readout stores (the impressions with
 * their traffic types), which is done apart, behind delivery.
 */
public final class ImpressionIntake {
    public static final int MAX_MESSAGE_BYTES = 32 * 1024;

    private final ImpressionMapper mapper;

    public ImpressionIntake(ImpressionMapper mapper) {
        this.mapper = mapper;
    }

    /** An impressions request that passed the gate. */
    public record ImpressionRequest(Environment environment, List<Source> sources, List<Impression> impressions) {
    }

    /** The pieces for the aggregator, and what delivery stores with them (dead letters, counters). */
    public record Intake(List<GatheredBatch> pieces, ImpressionWrites writes) {
        public io.fmebridge.store.WriteSet writeSet() {
            return io.fmebridge.store.WriteSet.of(writes);
        }
    }

    /** The request's pieces, for the splitter (a bean call: Camel's OGNL would hash the whole request). */
    public List<GatheredBatch> piecesOf(Intake intake) {
        return intake.pieces();
    }

    /** What the request stores, for the group commit. */
    public io.fmebridge.store.WriteSet writeSetOf(Intake intake) {
        return intake.writeSet();
    }

    public Intake accept(ImpressionRequest request) {
        return accept(request, System.currentTimeMillis());
    }

    /** @param now when the request was received */
    public Intake accept(ImpressionRequest request, long now) {
        Environment env = request.environment();
        ImpressionWrites writes = ImpressionWrites.of(env.id(), now);
        List<GatheredBatch> pieces = new ArrayList<>();
        for (Source source : request.sources()) {
            GatheredBatch piece = null;
            for (Impression impression : request.impressions()) {
                OutboundMessage message = mapper.toSegment(impression, env, source);
                if (message.sizeBytes() > MAX_MESSAGE_BYTES) {
                    writes.deadLetters().add(new DeadLetter(source.id(), message.messageId(), message.json(),
                            "message_too_large: the message is " + message.sizeBytes() + " bytes; Segment takes at most "
                                    + MAX_MESSAGE_BYTES, now));
                    continue;
                }
                if (piece == null || !piece.fits(message)) {
                    piece = new GatheredBatch(source.id(), source.maxMessages(), source.maxBytes(), source.maxDelay().toMillis());
                    pieces.add(piece);
                }
                piece.add(message);
                writes.accepted().merge(source.id(), 1, Integer::sum);
            }
        }
        return new Intake(pieces, writes);
    }

    /** The request's impressions as the query API and the readout show them, each with its flag's traffic type. */
    public ImpressionWrites readout(ImpressionRequest request, long now) {
        Environment env = request.environment();
        ImpressionWrites writes = ImpressionWrites.of(env.id(), now);
        for (Impression impression : request.impressions()) {
            writes.impressions().add(new ImpressionWrites.Stored(impression,
                    env.flagTrafficTypes().getOrDefault(impression.flag(), env.defaultTrafficType())));
        }
        return writes;
    }
}
