package io.fmebridge.destination;

/** A message, event or attribute that was not stored, and why (contract 3.5). */
public record Drop(String destinationId, String messageId, DropReason reason, String detail, long receivedAt) {
}
