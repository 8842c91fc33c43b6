package io.fmebridge.destination;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The facts about one message that the routes of segment-in.yaml branch on. */
class SegmentIngestTest {
    private final SegmentIngest ingest = new SegmentIngest(null);

    @Test
    void aMessageReadFineIsNotRefusedAndKeysItsDuplicateCheckByDestination() {
        SegmentMessage m = SegmentMessage.of(0, json("track", "m-1"), 2);

        assertThat(ingest.refusedWhileReading(m)).isFalse();
        assertThat(ingest.withoutMessageId(m)).isFalse();
        assertThat(ingest.dedupeKey("dest-a", m)).isEqualTo("dest-a/m-1");
        assertThat(ingest.type(m)).isEqualTo("track");
    }

    @Test
    void aMessageRefusedWhileReadingIsRecognised() {
        SegmentMessage m = SegmentMessage.refused(3, 40_000, "m-2", DropReason.MESSAGE_TOO_LARGE, "too large");

        assertThat(ingest.refusedWhileReading(m)).isTrue();
        assertThat(ingest.type(m)).isNull();
    }

    @Test
    void aMessageWithoutMessageIdSkipsTheDuplicateCheck() {
        SegmentMessage m = SegmentMessage.of(0, json("identify", null), 2);

        assertThat(ingest.withoutMessageId(m)).isTrue();
        assertThat(ingest.type(m)).isEqualTo("identify");
    }

    @Test
    void aMessageWithoutTypeGivesNoType() {
        SegmentMessage m = SegmentMessage.of(0, json(null, "m-3"), 2);

        assertThat(ingest.type(m)).isNull();
    }

    private static ObjectNode json(String type, String messageId) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        if (type != null) {
            json.put("type", type);
        }
        if (messageId != null) {
            json.put("messageId", messageId);
        }
        return json;
    }
}
