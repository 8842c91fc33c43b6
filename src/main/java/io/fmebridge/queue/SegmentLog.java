package io.fmebridge.queue;

import java.util.List;

import io.fmebridge.destination.SegmentRequestGate.IngestRequest;
import io.fmebridge.store.WriteSet;

/**
 * The log between the Segment routes' door and their mapping, whichever {@code fme.queue} is set:
 * the embedded journal ({@link SegmentJournal}) or Kafka ({@link SegmentQueue}). The routes call
 * the same three methods on either.
 */
public interface SegmentLog {

    /** Returns once the accepted request is durably in the log; only then may it be answered 200. */
    void append(LogEntry accepted);

    /** A poll of the log back into requests, in order, for the mapping routes. */
    List<IngestRequest> requests(LogPoll poll);

    /** The poll's write set (none when nothing of it maps to a write), with the poll's position to move on. */
    default WriteSet positioned(Object mapped, LogPoll poll) {
        WriteSet writeSet = mapped instanceof WriteSet w ? w : new WriteSet();
        writeSet.positions().add(poll.advance());
        return writeSet;
    }
}
