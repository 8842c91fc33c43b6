package io.fmebridge.queue;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmebridge.destination.Drop;
import io.fmebridge.destination.DropReason;
import io.fmebridge.destination.MappingResult;
import io.fmebridge.destination.SegmentRequestGate;
import io.fmebridge.destination.SegmentRequestGate.IngestRequest;
import io.fmebridge.settings.IntegrationSettings;
import io.fmebridge.settings.SettingsRegistry;
import io.fmebridge.store.GroupCommitWriter;
import io.fmebridge.store.WriteSet;

/** The Segment side's log in the embedded journal: one row per accepted request, read back whole. */
public final class SegmentJournal implements SegmentLog {
    private static final Logger log = LoggerFactory.getLogger(SegmentJournal.class);

    private final java.util.function.Consumer<LogEntry> appender;
    private final GroupCommitWriter storeWriter;
    private final SegmentRequestGate gate;
    private final SettingsRegistry settings;

    /** @param appender writes an entry to the journal and returns once it is durable there */
    public SegmentJournal(java.util.function.Consumer<LogEntry> appender, GroupCommitWriter storeWriter, SegmentRequestGate gate,
                          SettingsRegistry settings) {
        this.appender = appender;
        this.storeWriter = storeWriter;
        this.gate = gate;
        this.settings = settings;
    }

    @Override
    public void append(LogEntry accepted) {
        appender.accept(accepted);
    }

    @Override
    public List<IngestRequest> requests(LogPoll poll) {
        IntegrationSettings current = settings.current();
        List<IngestRequest> requests = new ArrayList<>();
        for (LogEntry entry : ((JournalPoll) poll).entries()) {
            gate.reread(entry, current).ifPresentOrElse(requests::add, () -> log.warn(
                    "Journal entry {} is for destination '{}', which no longer exists; its messages are not stored",
                    entry.id(), entry.target()));
        }
        return requests;
    }

    /** The default's write set, with its rows tagged by the entries they come from. */
    @Override
    public WriteSet positioned(Object mapped, LogPoll poll) {
        WriteSet writeSet = SegmentLog.super.positioned(mapped, poll);
        JournalPoll journalPoll = (JournalPoll) poll;
        writeSet.fromJournal(journalPoll.unmappedFrom(), journalPoll.lastEntry(), journalPoll.replaying());
        return writeSet;
    }

    /**
     * Entries whose data the database refuses, whatever is tried: recorded as an {@code invalid_message}
     * drop of their destination, with the position moved past them.
     */
    public void refused(JournalPoll poll, String why) {
        WriteSet writeSet = new WriteSet();
        writeSet.positions().add(poll.advance());
        for (LogEntry entry : poll.entries()) {
            String detail = "the database refused the data of this request (" + why + "); none of its messages is stored";
            writeSet.add(new MappingResult(entry.target(), null, List.of(), List.of(),
                    List.of(new Drop(entry.target(), null, DropReason.INVALID_MESSAGE, detail, entry.receivedAt()))));
        }
        storeWriter.commit(writeSet, null);
    }
}
