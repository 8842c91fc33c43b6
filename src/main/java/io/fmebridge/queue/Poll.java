package io.fmebridge.queue;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.fmebridge.store.ConsumerPositions;

/**
 * What a consumer hands to its route: the records of one poll not yet stored, and how far their
 * partitions are stored, which the route's transaction moves on.
 */
public record Poll(List<ConsumerRecord<String, byte[]>> records, ConsumerPositions.Advance advance) implements LogPoll {

    /** The records as log entries (how the impressions topic holds requests), in order. */
    public List<LogEntry> entries() {
        return records.stream().map(r -> LogEntry.fromRecord(r.offset(), r.value())).toList();
    }

    /** The records' values, in order. */
    public List<byte[]> values() {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
