package io.fmebridge.queue;

import java.nio.charset.StandardCharsets;

/**
 * An accepted request as the log holds it: what the door checked (the destination, or the
 * environment of impressions), how it came ({@code kind}: the {@code /v1/{type}} path or
 * {@code webhook}; for impressions {@code bulk}, {@code webhook} or {@code count}), when it was
 * received, and its body as received. Mapping reads it again behind the answer.
 *
 * @param id the entry's place in its log, once appended (0 before)
 */
public record LogEntry(long id, String log, String target, String kind, long receivedAt, byte[] body) {
    public static final String SEGMENT = "segment";
    public static final String IMPRESSIONS = "impressions";

    public static LogEntry accepted(String log, String target, String kind, byte[] body) {
        return new LogEntry(0, log, target, kind, System.currentTimeMillis(), body == null ? new byte[0] : body);
    }

    /** As a Kafka record's value: one header line (log, target, kind, time), then the body. */
    public byte[] toRecord() {
        byte[] header = (log + '\t' + target + '\t' + (kind == null ? "" : kind) + '\t' + receivedAt + '\n')
                .getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[header.length + body.length];
        System.arraycopy(header, 0, value, 0, header.length);
        System.arraycopy(body, 0, value, header.length, body.length);
        return value;
    }

    /** A record's value read back; {@code id} is its offset. */
    public static LogEntry fromRecord(long id, byte[] value) {
        int nl = 0;
        while (nl < value.length && value[nl] != '\n') {
            nl++;
        }
        if (nl == value.length) {
            throw new IllegalArgumentException("not an entry of this service: no header line");
        }
        String[] header = new String(value, 0, nl, StandardCharsets.UTF_8).split("\t", -1);
        if (header.length != 4) {
            throw new IllegalArgumentException("not an entry of this service: a header of " + header.length + " fields");
        }
        byte[] body = java.util.Arrays.copyOfRange(value, nl + 1, value.length);
        return new LogEntry(id, header[0], header[1], header[2].isEmpty() ? null : header[2], Long.parseLong(header[3]), body);
    }
}
