package io.fmebridge.queue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmebridge.settings.IntegrationSettings;
import io.fmebridge.settings.SettingsRegistry;
import io.fmebridge.source.GatheredBatch;
import io.fmebridge.source.ImpressionGate;
import io.fmebridge.source.ImpressionIntake;
import io.fmebridge.store.WriteSet;

/**
 * The source side's log, the embedded journal or Kafka alike: an accepted impressions request is
 * appended whole, and read back in order behind its answer by two consumers, each with its own
 * position. Delivery ({@link #intake}) makes its {@code get_treatment} messages (and their
 * messageIds): a poll's pieces are joined per source, every batch they fill goes to the outbox in
 * the transaction that moves delivery's position on, and what is left of each source's last batch
 * waits in the aggregator for more, or for its maxDelay. The readout ({@link #readout}) stores the
 * impressions and counts for the query API and the experiment readout, behind delivery.
 */
public final class ImpressionLog {
    private static final Logger log = LoggerFactory.getLogger(ImpressionLog.class);

    private final Consumer<LogEntry> appender;
    private final ImpressionGate gate;
    private final ImpressionIntake intake;
    private final SettingsRegistry settings;

    /** @param appender writes an entry to the log and returns once it is durable there */
    public ImpressionLog(Consumer<LogEntry> appender, ImpressionGate gate, ImpressionIntake intake, SettingsRegistry settings) {
        this.appender = appender;
        this.gate = gate;
        this.intake = intake;
        this.settings = settings;
    }

    public void append(LogEntry accepted) {
        appender.accept(accepted);
    }

    /** What a poll stores at once, and the pieces left to gather. */
    public record PollIntake(WriteSet writeSet, List<GatheredBatch> gathering) {
    }

    public PollIntake intake(LogPoll poll) {
        List<LogEntry> entries = entries(poll);
        IntegrationSettings current = settings.current();
        WriteSet writeSet = new WriteSet();
        writeSet.positions().add(poll.advance());
        Map<String, GatheredBatch> open = new LinkedHashMap<>();
        for (LogEntry entry : entries) {
            var reread = gate.reread(entry, current);
            if (reread.isEmpty()) {
                log.warn("Impressions of entry {} are for environment '{}', which no longer exists; they are not stored",
                        entry.id(), entry.target());
                continue;
            }
            if (reread.get().counts() != null) {
                continue; // nothing to send: the readout stores them
            }
            ImpressionIntake.Intake in = intake.accept(reread.get().request(), entry.receivedAt());
            writeSet.impressions().add(in.writes());
            for (GatheredBatch piece : in.pieces()) {
                GatheredBatch batch = open.get(piece.sourceId());
                if (batch != null && batch.fits(piece)) {
                    batch.addAll(piece);
                    continue;
                }
                if (batch != null) {
                    writeSet.outbox().add(batch); // the next piece would take it over its limits: complete
                }
                open.put(piece.sourceId(), piece);
            }
        }
        List<GatheredBatch> gathering = new ArrayList<>();
        for (GatheredBatch batch : open.values()) {
            (batch.full() ? writeSet.outbox() : gathering).add(batch);
        }
        return new PollIntake(writeSet, gathering);
    }

    /** What the readout stores of a poll (the impressions and counts), with its own position moved on. */
    public WriteSet readout(LogPoll poll) {
        IntegrationSettings current = settings.current();
        WriteSet writeSet = new WriteSet();
        writeSet.positions().add(poll.advance());
        for (LogEntry entry : entries(poll)) {
            var reread = gate.reread(entry, current);
            if (reread.isEmpty()) {
                continue; // said by delivery, which reads the same entry
            }
            writeSet.impressions().add(reread.get().counts() != null ? reread.get().counts()
                    : intake.readout(reread.get().request(), entry.receivedAt()));
        }
        return writeSet;
    }

    private static List<LogEntry> entries(LogPoll poll) {
        return poll instanceof JournalPoll j ? j.entries() : ((Poll) poll).entries();
    }
}
