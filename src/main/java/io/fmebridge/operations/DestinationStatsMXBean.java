package io.fmebridge.operations;

/** A destination's figures in JMX: those of {@code GET /api/destinations/{id}/stats}. */
public interface DestinationStatsMXBean {
    long getReceived();

    long getStored();

    long getDuplicates();

    /** Every drop recorded, duplicates included. */
    long getDroppedTotal();

    /** Drops by reason, as {@code reason=count} pairs. */
    String getDroppedByReason();

    /** Requests of this destination answered 200 but not yet mapped; -1 when the log is Kafka. */
    long getLagEntries();

    /** How long the oldest of them has waited, in seconds; -1 when the log is Kafka. */
    double getLagSeconds();
}
