package io.fmebridge.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fmebridge.destination.DropReason;
import io.fmebridge.destination.IngestContext;
import io.fmebridge.destination.SegmentMessage;
import io.fmebridge.destination.SegmentRequestGate.IngestRequest;
import io.fmebridge.settings.Destination;
import io.fmebridge.settings.Environment;
import io.fmebridge.settings.IntegrationSettings;

/**
 * Segment messages as Kafka records and back. One record per message, keyed by destination and
 * the identity the message is about, so that one user's messages keep their order in one
 * partition. The value holds the message as parsed (batch-level fields merged in) and what the
 * receiving instance knew: destination, arrival time, place in the request, or why it was refused.
 */
public final class SegmentRecords {
    private final ObjectMapper json;

    public SegmentRecords(ObjectMapper json) {
        this.json = json;
    }

    /** Every message of the request, refused ones included: their drops are stored by the consumer. */
    public List<QueuedRecord> toRecords(IngestRequest request) {
        List<QueuedRecord> records = new ArrayList<>(request.messages().size());
        String destinationId = request.destinationId();
        for (SegmentMessage m : request.messages()) {
            ObjectNode value = json.createObjectNode();
            value.put("destination", destinationId);
            value.put("receivedAt", request.context().receivedAt());
            value.put("ordinal", m.ordinal());
            value.put("size", m.sizeBytes());
            value.put("messageId", m.messageId());
            if (m.problem() != null) {
                value.put("problem", m.problem().name());
                value.put("detail", m.problemDetail());
            } else {
                value.set("message", m.json());
            }
            try {
                records.add(new QueuedRecord(key(request.context().destination(), m), json.writeValueAsBytes(value)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return records;
    }

    /**
     * {@code <destinationId>/<the key the message updates>}: the field the destination takes as FME
     * key ({@code identity}, userId or anonymousId), else the other one; for a group call the first
     * key of {@code traits.split}, which it updates, else its groupId; else the messageId. One FME
     * identity's updates thus stay in one partition, in order.
     */
    static String key(Destination destination, SegmentMessage m) {
        String who = null;
        JsonNode split = m.json() == null ? null : m.json().at("/traits/split");
        if ("group".equals(m.type()) && split != null && split.isObject()) {
            for (JsonNode v : split) {
                if (v.isValueNode() && !v.isNull() && !v.asText().isEmpty()) {
                    who = v.asText();
                    break;
                }
            }
        }
        if (who == null && m.json() != null) {
            boolean anonymousFirst = destination.identity() == Destination.Identity.anonymousId;
            String[] fields = "group".equals(m.type()) ? new String[] {"groupId"}
                    : anonymousFirst ? new String[] {"anonymousId", "userId"} : new String[] {"userId", "anonymousId"};
            for (String field : fields) {
                JsonNode v = m.json().get(field);
                if (v != null && v.isValueNode() && !v.isNull() && !v.asText().isEmpty()) {
                    who = v.asText();
                    break;
                }
            }
        }
        if (who == null) {
            who = m.messageId() == null ? Integer.toString(m.ordinal()) : m.messageId();
        }
        return destination.id() + '/' + who;
    }

    /**
     * Records of one poll back into requests, in the poll's order: records next to each other of one
     * destination that arrived at the same moment share a context, as they did when they were
     * received. Only neighbours are joined, so that no message is stored before one read ahead of
     * it (one identity's updates are in one partition, in order; the last one stored wins). A record
     * of a destination that no longer exists is reported to {@code orphaned} and left out: it has
     * nowhere to go.
     */
    public List<IngestRequest> toRequests(List<byte[]> values, IntegrationSettings settings, Consumer<String> orphaned) {
        List<IngestRequest> requests = new ArrayList<>();
        for (byte[] raw : values) {
            try {
                read(raw, settings, requests, orphaned);
            } catch (IOException | RuntimeException e) { // an empty, foreign or damaged record must not hold up the others
                orphaned.accept("a record that is not a message of this service: " + e);
            }
        }
        return requests;
    }

    private void read(byte[] raw, IntegrationSettings settings, List<IngestRequest> requests, Consumer<String> orphaned)
            throws IOException {
        JsonNode value = json.readTree(raw);
        if (value == null || !value.isObject()) {
            throw new IOException("not a JSON object");
        }
        String destinationId = value.path("destination").asText();
        long receivedAt = value.path("receivedAt").asLong();
        Destination destination = settings.destination(destinationId).orElse(null);
        Environment environment = destination == null ? null : settings.environment(destination.environment()).orElse(null);
        String messageId = value.path("messageId").isTextual() ? value.get("messageId").asText() : null;
        if (environment == null) {
            orphaned.accept("destination=" + destinationId + " messageId=" + messageId
                    + ": the destination no longer exists; the message is not stored");
            return;
        }
        IngestRequest last = requests.isEmpty() ? null : requests.get(requests.size() - 1);
        IngestRequest request = last != null && last.destinationId().equals(destinationId) && last.context().receivedAt() == receivedAt
                ? last : null;
        if (request == null) {
            request = new IngestRequest(new IngestContext(destination, environment, receivedAt), new ArrayList<>());
            requests.add(request);
        }
        int ordinal = value.path("ordinal").asInt();
        int size = value.path("size").asInt();
        if (value.hasNonNull("problem")) {
            request.messages().add(SegmentMessage.refused(ordinal, size, messageId,
                    DropReason.valueOf(value.get("problem").asText().toUpperCase(Locale.ROOT)), value.path("detail").asText()));
        } else {
            JsonNode message = value.get("message");
            if (message == null || !message.isObject()) {
                throw new IOException("no message in the record");
            }
            request.messages().add(SegmentMessage.of(ordinal, (ObjectNode) message, size));
        }
    }
}
