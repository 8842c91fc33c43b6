package io.fmebridge.source;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.DoubleSupplier;

/**
 * Contract 5.2, what an answer from Segment means for a batch: a 2xx delivers it; 408, 429,
 * 5xx other than 501 and 505, and connection failures are retried with exponential backoff and
 * jitter, never sooner than {@code Retry-After}, for up to {@code fme.delivery.max-retry-time};
 * anything else, or running out of time, makes its messages dead letters.
 */
public final class DeliveryPolicy {
    /** The status given for a batch whose request got no answer at all. */
    public static final int NO_ANSWER = -1;

    public enum Outcome { DELIVERED, RETRY, DEAD }

    public record Decision(Outcome outcome, long delayMillis, String reason) {
    }

    private final Duration maxRetryTime;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final DoubleSupplier random;

    public DeliveryPolicy(Duration maxRetryTime, Duration initialBackoff, Duration maxBackoff, DoubleSupplier random) {
        this.maxRetryTime = maxRetryTime;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.random = random;
    }

    /**
     * @param status         the HTTP status, or {@link #NO_ANSWER}
     * @param retryAfter     the {@code Retry-After} header, or null
     * @param answer         a short text of the answer or the failure, for the record
     * @param attempts       attempts made so far, this one included
     * @param firstAttemptAt when the first attempt was made (epoch ms)
     */
    public Decision decide(int status, String retryAfter, String answer, int attempts, long firstAttemptAt, long now) {
        if (status >= 200 && status < 300) {
            return new Decision(Outcome.DELIVERED, 0, null);
        }
        String last = status == NO_ANSWER ? "no answer: " + answer : "Segment answered " + status + (answer == null || answer.isBlank() ? "" : ": " + answer);
        if (!retryable(status)) {
            return new Decision(Outcome.DEAD, 0, last);
        }
        long backoff = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() * (1L << Math.min(30, Math.max(0, attempts - 1))));
        long delay = (long) (backoff * (0.5 + 0.5 * random.getAsDouble())); // jitter: half to all of the backoff
        delay = Math.max(delay, retryAfterMillis(retryAfter, now));
        if (now + delay > firstAttemptAt + maxRetryTime.toMillis()) {
            return new Decision(Outcome.DEAD, 0, "gave up after " + attempts + " attempts over " + maxRetryTime + "; last: " + last);
        }
        return new Decision(Outcome.RETRY, delay, last);
    }

    static boolean retryable(int status) {
        return status == NO_ANSWER || status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
    }

    /** {@code Retry-After} as seconds or as an HTTP date; 0 when absent or unreadable. */
    static long retryAfterMillis(String header, long now) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        String value = header.trim();
        try {
            return Math.max(0, Long.parseLong(value) * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                return Math.max(0, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() - now);
            } catch (RuntimeException notADate) {
                return 0;
            }
        }
    }
}
