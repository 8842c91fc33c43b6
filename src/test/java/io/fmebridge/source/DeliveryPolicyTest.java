package io.fmebridge.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.DoubleSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fmebridge.source.DeliveryPolicy.Decision;
import io.fmebridge.source.DeliveryPolicy.Outcome;

/** Contract 5.2, what Segment's answer to a batch means: delivered, retried, or dead letters. */
class DeliveryPolicyTest {
    private static final Duration MAX_RETRY_TIME = Duration.ofHours(4);   // fme.delivery.max-retry-time default
    private static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final long FIRST = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    private static DeliveryPolicy policy(double random) {
        return policy(() -> random);
    }

    private static DeliveryPolicy policy(DoubleSupplier random) {
        return new DeliveryPolicy(MAX_RETRY_TIME, INITIAL_BACKOFF, MAX_BACKOFF, random);
    }

    /** The first attempt, answered right away. */
    private static Decision first(int status, String retryAfter, String answer) {
        return policy(0.0).decide(status, retryAfter, answer, 1, FIRST, FIRST);
    }

    // ---- which answers deliver, retry, or dead-letter ----------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204, 299})
    void any2xxDeliversTheBatch(int status) {                               // contract 5.2: "A 2xx answer delivers the batch"
        assertThat(first(status, null, "ok").outcome()).isEqualTo(Outcome.DELIVERED);
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504, 507, 599})
    void timeoutTooManyRequestsAnd5xxAreRetried(int status) {               // contract 5.2: "408, 429 and 5xx other than 501 and 505 ... are retried"
        Decision decision = first(status, null, "busy");
        assertThat(decision.outcome()).isEqualTo(Outcome.RETRY);
        assertThat(decision.delayMillis()).isPositive();
        assertThat(decision.reason()).contains(String.valueOf(status));
    }

    @Test
    void noAnswerIsRetried() {                                               // contract 5.2: "and connection failures, are retried"
        Decision decision = first(DeliveryPolicy.NO_ANSWER, null, "ConnectException: Connection refused");
        assertThat(decision.outcome()).isEqualTo(Outcome.RETRY);
        assertThat(decision.delayMillis()).isPositive();
        assertThat(decision.reason()).contains("Connection refused");
    }

    @ParameterizedTest
    @ValueSource(ints = {501, 505, 400, 401, 403, 404, 413, 422, 301})
    void anyOtherAnswerMakesDeadLettersWithThatAnswer(int status) {          // contract 5.2: "Any other answer ... puts the batch's messages in the source's dead letters with the last answer"
        Decision decision = first(status, null, "{\"error\":\"nope " + status + "\"}");
        assertThat(decision.outcome()).isEqualTo(Outcome.DEAD);
        assertThat(decision.reason()).contains(String.valueOf(status)).contains("nope " + status);
    }

    @Test
    void aNonRetryableAnswerIsDeadEvenOnTheFirstAttemptWithRetryAfter() {    // contract 5.2: "Any other answer" -> dead letters
        assertThat(first(400, "5", "bad request").outcome()).isEqualTo(Outcome.DEAD);
    }

    // ---- Retry-After ----------------------------------------------------------------------------

    @Test
    void retryAfterInSecondsIsHonoured() {                                   // contract 5.2: "honouring Retry-After"
        Decision decision = first(429, "120", "rate limited");
        assertThat(decision.outcome()).isEqualTo(Outcome.RETRY);
        assertThat(decision.delayMillis()).isGreaterThanOrEqualTo(120_000);
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() {                                // contract 5.2: "honouring Retry-After" (an HTTP date)
        long now = FIRST + 60_000;
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(now + 90_000).atZone(ZoneOffset.UTC));
        assertThat(date).isEqualTo("Thu, 1 Jan 2026 00:02:30 GMT");
        Decision decision = policy(0.0).decide(503, date, "unavailable", 2, FIRST, now);
        assertThat(decision.outcome()).isEqualTo(Outcome.RETRY);
        assertThat(decision.delayMillis()).isGreaterThanOrEqualTo(90_000);
    }

    @Test
    void retryAfterAsAnImfFixdateWithTwoDigitDayIsHonoured() {              // contract 5.2: "honouring Retry-After" (RFC 7231 IMF-fixdate)
        long now = FIRST + 60_000;
        Decision decision = policy(0.0).decide(503, "Thu, 01 Jan 2026 00:02:30 GMT", "unavailable", 2, FIRST, now);
        assertThat(decision.outcome()).isEqualTo(Outcome.RETRY);
        assertThat(decision.delayMillis()).isGreaterThanOrEqualTo(90_000);
    }

    @Test
    void retryAfterShorterThanTheBackoffKeepsTheBackoff() {                 // contract 5.2: backoff, never sooner than Retry-After
        Decision decision = policy(1.0).decide(503, "1", "unavailable", 4, FIRST, FIRST);
        assertThat(decision.delayMillis()).isEqualTo(8_000);
    }

    @Test
    void retryAfterInThePastOrUnreadableFallsBackToTheBackoff() {            // contract 5.2: backoff when Retry-After says nothing usable
        assertThat(policy(1.0).decide(503, "Thu, 01 Jan 2015 00:00:00 GMT", "x", 1, FIRST, FIRST).delayMillis()).isEqualTo(1_000);
        assertThat(policy(1.0).decide(503, "soon", "x", 1, FIRST, FIRST).delayMillis()).isEqualTo(1_000);
    }

    // ---- exponential backoff with jitter ------------------------------------------------------

    @Test
    void backoffDoublesWithEachAttempt() {                                   // contract 5.2: "retried with exponential backoff"
        DeliveryPolicy full = policy(1.0);
        assertThat(full.decide(500, null, "x", 1, FIRST, FIRST).delayMillis()).isEqualTo(1_000);
        assertThat(full.decide(500, null, "x", 2, FIRST, FIRST).delayMillis()).isEqualTo(2_000);
        assertThat(full.decide(500, null, "x", 3, FIRST, FIRST).delayMillis()).isEqualTo(4_000);
        assertThat(full.decide(500, null, "x", 4, FIRST, FIRST).delayMillis()).isEqualTo(8_000);
    }

    @Test
    void jitterWaitsBetweenHalfAndAllOfTheBackoff() {                        // contract 5.2: "with exponential backoff and jitter"
        assertThat(policy(0.0).decide(500, null, "x", 3, FIRST, FIRST).delayMillis()).isEqualTo(2_000);
        assertThat(policy(0.5).decide(500, null, "x", 3, FIRST, FIRST).delayMillis()).isEqualTo(3_000);
        assertThat(policy(1.0).decide(500, null, "x", 3, FIRST, FIRST).delayMillis()).isEqualTo(4_000);
    }

    @Test
    void jitterMakesTwoBatchesWaitDifferently() {                            // contract 5.2: "jitter"
        double[] randoms = {0.1, 0.9};
        int[] next = {0};
        DeliveryPolicy policy = policy(() -> randoms[next[0]++ % 2]);
        long one = policy.decide(503, null, "x", 5, FIRST, FIRST).delayMillis();
        long other = policy.decide(503, null, "x", 5, FIRST, FIRST).delayMillis();
        assertThat(one).isNotEqualTo(other);
    }

    @Test
    void backoffIsCappedByMaxBackoff() {                                     // contract 5.2: exponential backoff, bounded
        assertThat(policy(1.0).decide(500, null, "x", 20, FIRST, FIRST).delayMillis()).isEqualTo(MAX_BACKOFF.toMillis());
        assertThat(policy(0.0).decide(500, null, "x", 20, FIRST, FIRST).delayMillis()).isEqualTo(MAX_BACKOFF.toMillis() / 2);
        assertThat(policy(1.0).decide(500, null, "x", 10_000, FIRST, FIRST).delayMillis()).isEqualTo(MAX_BACKOFF.toMillis());
    }

    // ---- running out of time ------------------------------------------------------------------

    @Test
    void retryThatWouldPassMaxRetryTimeGivesUp() {                           // contract 5.2: "or running out of time, puts the batch's messages in ... dead letters"
        long now = FIRST + MAX_RETRY_TIME.toMillis() - 100;           // the next wait (>= 500 ms) would pass the 4 h
        Decision decision = policy(0.0).decide(503, null, "Service Unavailable", 40, FIRST, now);
        assertThat(decision.outcome()).isEqualTo(Outcome.DEAD);
        assertThat(decision.reason()).contains("gave up").contains("503").contains("Service Unavailable");
    }

    @Test
    void retryThatEndsExactlyAtMaxRetryTimeIsStillMade() {                   // contract 5.2: retried "for up to fme.delivery.max-retry-time"
        long now = FIRST + MAX_RETRY_TIME.toMillis() - 500;           // attempt 1, random 0.0: waits 500 ms
        Decision decision = policy(0.0).decide(503, null, "x", 1, FIRST, now);
        assertThat(decision.outcome()).isEqualTo(Outcome.RETRY);
        assertThat(decision.delayMillis()).isEqualTo(500);
    }

    @Test
    void retryAfterBeyondMaxRetryTimeGivesUpRatherThanRetryingEarly() {      // contract 5.2: honour Retry-After, for up to max-retry-time
        Decision decision = policy(0.0).decide(429, String.valueOf(MAX_RETRY_TIME.toSeconds() + 60), "slow down", 1, FIRST, FIRST);
        assertThat(decision.outcome()).isEqualTo(Outcome.DEAD);
        assertThat(decision.reason()).contains("gave up").contains("429");
    }

    @Test
    void connectionFailuresAlsoGiveUpWithTheLastFailure() {                  // contract 5.2: "with the last answer"
        long now = FIRST + MAX_RETRY_TIME.toMillis();
        Decision decision = policy(0.0).decide(DeliveryPolicy.NO_ANSWER, null, "HttpConnectTimeoutException: timed out", 30, FIRST, now);
        assertThat(decision.outcome()).isEqualTo(Outcome.DEAD);
        assertThat(decision.reason()).contains("gave up").contains("timed out");
    }

    @Test
    void a2xxDeliversEvenAfterMaxRetryTime() {                                // contract 5.2: "A 2xx answer delivers the batch"
        long now = FIRST + MAX_RETRY_TIME.toMillis() + 1;
        assertThat(policy(0.0).decide(200, null, "ok", 50, FIRST, now).outcome()).isEqualTo(Outcome.DELIVERED);
    }
}
