package io.fmebridge.queue;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmebridge.destination.SegmentRequestGate.IngestRequest;
import io.fmebridge.settings.SettingsRegistry;
import io.fmebridge.store.WriteSet;

/** What {@code routes/segment-kafka.yaml} calls: a request onto the topic, a poll of it back into requests. */
public final class SegmentQueue {
    private static final Logger log = LoggerFactory.getLogger(SegmentQueue.class);

    private final KafkaLog kafka;
    private final SegmentRecords records;
    private final SettingsRegistry settings;
    private final String topic;

    public SegmentQueue(KafkaLog kafka, SegmentRecords records, SettingsRegistry settings, String topic) {
        this.kafka = kafka;
        this.records = records;
        this.settings = settings;
        this.topic = topic;
    }

    /** Returns once Kafka holds every message of the request. */
    public void publish(IngestRequest request) {
        if (!request.messages().isEmpty()) {
            kafka.append(topic, records.toRecords(request));
        }
    }

    public List<IngestRequest> requests(Poll poll) {
        return records.toRequests(poll.values(), settings.current(), problem -> log.warn("Skipped a queued message: {}", problem));
    }

    /** The poll's write set (none when nothing of it maps to a write), with the poll's positions to move on. */
    public WriteSet positioned(Object mapped, Poll poll) {
        WriteSet writeSet = mapped instanceof WriteSet w ? w : new WriteSet();
        writeSet.positions().add(poll.advance());
        return writeSet;
    }
}
