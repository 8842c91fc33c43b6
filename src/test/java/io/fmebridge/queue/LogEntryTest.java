package io.fmebridge.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** A log entry as a Kafka record: everything the door checked comes back as it was, the body byte for byte. */
class LogEntryTest {

    @Test
    void anEntryComesBackFromItsRecord() {
        byte[] body = "{\"type\": \"track\"}\n\t\u00e9".getBytes(StandardCharsets.UTF_8);
        LogEntry entry = new LogEntry(0, LogEntry.SEGMENT, "web", "track", 1_712_345_678_901L, body);
        LogEntry back = LogEntry.fromRecord(42, entry.toRecord());
        assertThat(back.id()).isEqualTo(42);
        assertThat(back.log()).isEqualTo(LogEntry.SEGMENT);
        assertThat(back.target()).isEqualTo("web");
        assertThat(back.kind()).isEqualTo("track");
        assertThat(back.receivedAt()).isEqualTo(1_712_345_678_901L);
        assertThat(back.body()).isEqualTo(body);
    }

    @Test
    void anEntryWithoutKindOrBodyComesBackSo() {
        LogEntry back = LogEntry.fromRecord(1, new LogEntry(0, LogEntry.IMPRESSIONS, "test", null, 5, new byte[0]).toRecord());
        assertThat(back.kind()).isNull();
        assertThat(back.body()).isEmpty();
    }

    @Test
    void aRecordNotWrittenByTheServiceIsRefused() {
        assertThatThrownBy(() -> LogEntry.fromRecord(1, "{\"type\": \"track\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no header line");
        assertThatThrownBy(() -> LogEntry.fromRecord(1, "a\tb\n{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 fields");
    }
}
