package io.fmebridge.source;

/** A message that will not reach Segment unless replayed, with the last answer or reason. */
public record DeadLetter(String sourceId, String messageId, String message, String reason, long failedAt) {
}
