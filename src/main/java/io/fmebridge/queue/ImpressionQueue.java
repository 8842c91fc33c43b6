package io.fmebridge.queue;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmebridge.source.GatheredBatch;
import io.fmebridge.source.ImpressionIntake.Intake;

/** What {@code routes/impressions-kafka.yaml} calls: a request's pieces onto the topic, a poll of it into batches. */
public final class ImpressionQueue {
    private static final Logger log = LoggerFactory.getLogger(ImpressionQueue.class);

    private final KafkaLog kafka;
    private final ImpressionRecords records;
    private final String topic;

    public ImpressionQueue(KafkaLog kafka, ImpressionRecords records, String topic) {
        this.kafka = kafka;
        this.records = records;
        this.topic = topic;
    }

    /** Returns once Kafka holds every piece of the request. */
    public void publish(Intake intake) {
        if (!intake.pieces().isEmpty()) {
            kafka.append(topic, records.toRecords(intake.pieces()));
        }
    }

    public List<GatheredBatch> batches(Poll poll) {
        return records.toBatches(poll.values(), problem -> log.warn("Skipped a queued record: {}", problem));
    }
}
