package io.fmebridge.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.fmebridge.source.GatheredBatch;
import io.fmebridge.source.OutboundMessage;

/** Impressions through Kafka: pieces keyed by source, joined per source into batches within its limits. */
class ImpressionRecordsTest {
    private final ImpressionRecords records = new ImpressionRecords(new ObjectMapper());

    @Test
    void piecesAreKeyedBySourceAndKeepTheirMessagesAndIds() {
        List<QueuedRecord> queued = records.toRecords(List.of(piece("us", 5, 100_000, "a", 2), piece("eu", 5, 100_000, "b", 1)));

        assertThat(queued).extracting(QueuedRecord::key).containsExactly("us", "eu");
        List<GatheredBatch> back = records.toBatches(values(queued), problem -> { });
        assertThat(back).hasSize(2);
        assertThat(back.get(0).sourceId()).isEqualTo("us");
        assertThat(back.get(0).messageIds()).containsExactly("a-0", "a-1");
        assertThat(back.get(0).messages().get(0)).isEqualTo(text("a-0"));
        assertThat(back.get(0).maxMessages()).isEqualTo(5);
        assertThat(back.get(0).maxBytes()).isEqualTo(100_000);
    }

    @Test
    void aPollsPiecesJoinPerSourceUpToMaxMessages() {
        List<GatheredBatch> pieces = List.of(piece("us", 5, 100_000, "a", 2), piece("eu", 5, 100_000, "b", 1),
                piece("us", 5, 100_000, "c", 3), piece("us", 5, 100_000, "d", 2));

        List<GatheredBatch> batches = records.toBatches(values(records.toRecords(pieces)), problem -> { });

        assertThat(batches).extracting(GatheredBatch::sourceId).containsExactly("us", "eu", "us");
        assertThat(batches.get(0).messageIds()).containsExactly("a-0", "a-1", "c-0", "c-1", "c-2");
        assertThat(batches.get(2).messageIds()).containsExactly("d-0", "d-1");
    }

    @Test
    void aPollsPiecesJoinPerSourceUpToMaxBytes() {
        int oneMessage = text("a-0").length() + 1;
        int maxBytes = GatheredBatch.ENVELOPE_BYTES + 3 * oneMessage; // three messages fit, four do not
        List<GatheredBatch> pieces = List.of(piece("us", 100, maxBytes, "a", 2), piece("us", 100, maxBytes, "b", 2));

        List<GatheredBatch> batches = records.toBatches(values(records.toRecords(pieces)), problem -> { });

        assertThat(batches).hasSize(2);
        assertThat(batches).allSatisfy(b -> assertThat(b.bytes()).isLessThanOrEqualTo(maxBytes));
    }

    @Test
    void aRecordThatIsNotAPieceIsReported() {
        List<byte[]> values = new ArrayList<>(values(records.toRecords(List.of(piece("us", 5, 100_000, "a", 1)))));
        values.add(0, "{\"source\": 1}".getBytes(StandardCharsets.UTF_8));
        List<String> problems = new ArrayList<>();

        assertThat(records.toBatches(values, problems::add)).hasSize(1);
        assertThat(problems).hasSize(1);
    }

    private static GatheredBatch piece(String source, int maxMessages, int maxBytes, String prefix, int count) {
        GatheredBatch piece = new GatheredBatch(source, maxMessages, maxBytes, 1000);
        for (int i = 0; i < count; i++) {
            String text = text(prefix + "-" + i);
            piece.add(new OutboundMessage(source, prefix + "-" + i, text, text.getBytes(StandardCharsets.UTF_8).length));
        }
        return piece;
    }

    private static String text(String messageId) {
        return "{\"type\":\"track\",\"event\":\"get_treatment\",\"messageId\":\"" + messageId + "\"}";
    }

    private static List<byte[]> values(List<QueuedRecord> queued) {
        return queued.stream().map(QueuedRecord::value).toList();
    }
}
