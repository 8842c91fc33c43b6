package io.fmebridge.queue;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmebridge.destination.SegmentRequestGate;
import io.fmebridge.destination.SegmentRequestGate.IngestRequest;
import io.fmebridge.settings.SettingsRegistry;

/**
 * The Segment side's log in Kafka: each message of an accepted request becomes one record, keyed by
 * the identity it updates ({@link SegmentRecords}), so that instances share the mapping while one
 * identity's messages keep their order.
 */
public final class SegmentQueue implements SegmentLog {
    private static final Logger log = LoggerFactory.getLogger(SegmentQueue.class);

    private final KafkaLog kafka;
    private final SegmentRecords records;
    private final SettingsRegistry settings;
    private final SegmentRequestGate gate;
    private final String topic;

    public SegmentQueue(KafkaLog kafka, SegmentRecords records, SettingsRegistry settings, SegmentRequestGate gate, String topic) {
        this.kafka = kafka;
        this.records = records;
        this.settings = settings;
        this.gate = gate;
        this.topic = topic;
    }

    /** Returns once Kafka holds every message of the request. */
    @Override
    public void append(LogEntry accepted) {
        gate.reread(accepted, settings.current()).ifPresent(this::publish);
    }

    void publish(IngestRequest request) {
        if (!request.messages().isEmpty()) {
            kafka.append(topic, records.toRecords(request));
        }
    }

    @Override
    public List<IngestRequest> requests(LogPoll poll) {
        return records.toRequests(((Poll) poll).values(), settings.current(),
                problem -> log.warn("Skipped a queued message: {}", problem));
    }
}
