package io.fmebridge.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fmebridge.source.GatheredBatch;
import io.fmebridge.source.OutboundMessage;

/**
 * A source's piece of an impressions request as a Kafka record, keyed by the source: every
 * piece of one source lands in one partition, so one consumer at a time builds its batches. The
 * piece carries its {@code get_treatment} messages with their messageIds already made, so a
 * piece read twice makes the same messages.
 */
public final class ImpressionRecords {
    private final ObjectMapper json;

    public ImpressionRecords(ObjectMapper json) {
        this.json = json;
    }

    public List<QueuedRecord> toRecords(List<GatheredBatch> pieces) {
        List<QueuedRecord> records = new ArrayList<>(pieces.size());
        for (GatheredBatch piece : pieces) {
            ObjectNode value = json.createObjectNode();
            value.put("source", piece.sourceId());
            value.put("maxMessages", piece.maxMessages());
            value.put("maxBytes", piece.maxBytes());
            value.put("maxDelay", piece.maxDelayMillis());
            ArrayNode messages = value.putArray("messages");
            for (int i = 0; i < piece.messages().size(); i++) {
                messages.addObject().put("messageId", piece.messageIds().get(i)).put("json", piece.messages().get(i));
            }
            try {
                records.add(new QueuedRecord(piece.sourceId(), json.writeValueAsBytes(value)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return records;
    }

    /**
     * The pieces of one poll, joined per source into as few batches as the source's limits allow,
     * in the order they were received.
     */
    public List<GatheredBatch> toBatches(List<byte[]> values, Consumer<String> unreadable) {
        Map<String, GatheredBatch> open = new LinkedHashMap<>();
        List<GatheredBatch> batches = new ArrayList<>();
        for (byte[] raw : values) {
            GatheredBatch piece;
            try {
                piece = piece(json.readTree(raw));
            } catch (IOException | RuntimeException e) {
                unreadable.accept("a record that is not an impressions piece of this service: " + e);
                continue;
            }
            GatheredBatch batch = open.get(piece.sourceId());
            if (batch != null && batch.fits(piece)) {
                batch.addAll(piece);
            } else {
                open.put(piece.sourceId(), piece);
                batches.add(piece);
            }
        }
        return batches;
    }

    private static GatheredBatch piece(JsonNode value) {
        String sourceId = value.get("source").asText();
        GatheredBatch piece = new GatheredBatch(sourceId, value.get("maxMessages").asInt(), value.get("maxBytes").asInt(),
                value.get("maxDelay").asLong());
        for (JsonNode m : value.get("messages")) {
            String text = m.get("json").asText();
            piece.add(new OutboundMessage(sourceId, m.get("messageId").asText(), text,
                    text.getBytes(StandardCharsets.UTF_8).length));
        }
        return piece;
    }
}
