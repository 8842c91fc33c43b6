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
}
