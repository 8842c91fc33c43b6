package io.fmebridge.operations;

/**
 * A source's figures in JMX: those of {@code GET /api/sources/{id}/stats}, and the operations
 * to pause and resume its delivery and to replay its dead letters.
 */
public interface SourceStatsMXBean {
    long getPending();

    long getDelivered();

    long getRetrying();

    long getDeadLettered();

    long getBatchesSent();

    String getLastError();

    boolean isPaused();

    /** Stops sending this source's batches; they keep being gathered. */
    void pause();

    void resume();

    /** Sends the dead letters again; returns how many. */
    int replayDeadLetters();
}
