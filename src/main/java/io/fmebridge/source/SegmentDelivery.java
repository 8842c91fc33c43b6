package io.fmebridge.source;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmebridge.operations.FmeMetrics;
import io.fmebridge.settings.SettingsRegistry;
import io.fmebridge.settings.Source;
import io.fmebridge.source.DeliveryPolicy.Decision;
import io.fmebridge.store.OutboxRepository;
import io.fmebridge.store.OutboxRepository.ClaimedBatch;

/**
 * What the delivery route needs for one attempt at {@code POST {endpoint}/v1/batch}, and what
 * it does with the answer (contract 5.2).
 */
public final class SegmentDelivery {
    private static final Logger log = LoggerFactory.getLogger(SegmentDelivery.class);

    private final SettingsRegistry settings;
    private final OutboxRepository outbox;
    private final DeliveryPolicy policy;
    private final FmeMetrics metrics;

    public SegmentDelivery(SettingsRegistry settings, OutboxRepository outbox, DeliveryPolicy policy, FmeMetrics metrics) {
        this.settings = settings;
        this.outbox = outbox;
        this.policy = policy;
        this.metrics = metrics;
    }

    public String url(ClaimedBatch batch) {
        return source(batch).endpoint() + "/v1/batch";
    }

    /** {@code Basic base64(<writeKey>:)}. */
    public String authorization(ClaimedBatch batch) {
        return "Basic " + Base64.getEncoder().encodeToString((source(batch).writeKey() + ":").getBytes(StandardCharsets.UTF_8));
    }

    public String body(ClaimedBatch batch) {
        return "{\"batch\":" + batch.messages() + ",\"sentAt\":\"" + Instant.now() + "\"}";
    }

    public void answered(ClaimedBatch batch, Integer status, String retryAfter, String answer) {
        decide(batch, status == null ? DeliveryPolicy.NO_ANSWER : status, retryAfter, shorten(answer));
    }

    public void failed(ClaimedBatch batch, Throwable failure) {
        decide(batch, DeliveryPolicy.NO_ANSWER, null, failure.getClass().getSimpleName() + ": " + shorten(failure.getMessage()));
    }

    private void decide(ClaimedBatch batch, int status, String retryAfter, String answer) {
        long now = System.currentTimeMillis();
        long first = batch.firstAttemptAt() == null ? now : batch.firstAttemptAt();
        Decision decision = policy.decide(status, retryAfter, answer, batch.attempts() + 1, first, now);
        switch (decision.outcome()) {
            case DELIVERED -> {
                outbox.delivered(batch);
                metrics.sourceMessages(batch.sourceId(), "delivered", batch.count());
                metrics.sourceDeliveryLatency(batch.sourceId(), java.time.Duration.ofMillis(Math.max(0, now - batch.createdAt())));
            }
            case RETRY -> {
                metrics.sourceRetried(batch.sourceId());
                log.info("source={} batch={} messages={} not delivered ({}); retrying in {} ms",
                        batch.sourceId(), batch.id(), batch.count(), decision.reason(), decision.delayMillis());
                outbox.retry(batch, first, decision.delayMillis(), decision.reason());
            }
            case DEAD -> {
                log.warn("source={} batch={} messages={} dead-lettered: {}; messageIds={}", batch.sourceId(), batch.id(),
                        batch.count(), decision.reason(), messageIds(batch));
                outbox.deadLetter(batch, decision.reason());
                metrics.sourceMessages(batch.sourceId(), "dead_lettered", batch.count());
            }
        }
    }

    /** The batch's messageIds, so that a dead letter can be found in the log by its id. */
    private static String messageIds(ClaimedBatch batch) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"messageId\":\"([^\"]+)\"").matcher(batch.messages());
        java.util.StringJoiner ids = new java.util.StringJoiner(",");
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids.toString();
    }

    private Source source(ClaimedBatch batch) {
        return settings.current().source(batch.sourceId()).orElseThrow(() ->
                new IllegalStateException("source '" + batch.sourceId() + "' is no longer configured"));
    }

    private static String shorten(String text) {
        if (text == null) {
            return null;
        }
        String one = text.replaceAll("\\s+", " ").trim();
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }
}
