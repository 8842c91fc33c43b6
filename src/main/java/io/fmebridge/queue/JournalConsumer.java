package io.fmebridge.queue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmebridge.store.ConsumerPositions;
import io.fmebridge.store.DataRefusedException;
import io.fmebridge.store.Journal;

/**
 * Reads one log of the journal in order and hands each poll to its route, which maps it and moves
 * the position on in the same transaction; a crash therefore replays at most what was not yet
 * marked. One consumer per log, so that one identity's updates are stored in the order received.
 *
 * <p>A poll that fails is tried again after a pause, for as long as it takes (the database down,
 * busy or full: nothing is skipped). After a few failures it is tried entry by entry: an entry whose
 * data the database refuses ({@link DataRefusedException}: it would fail every time) is handed to
 * {@code refused}, which records it as a drop and moves the position past it; any other failure
 * holds the poll back.
 *
 * <p>Several consumers can read one log, each with a position of its own (its group): the
 * impressions log has delivery and the readout. A consumer given {@code holdBack} looks at its
 * next entry first and waits while it says so, reading only that entry meanwhile.
 *
 * <p>The polls of a run are marked as replaying until the run first reads the log to its end: they
 * hold what was behind when it started, which a kill may have left partly written in the store.
 */
public final class JournalConsumer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(JournalConsumer.class);
    private static final int TRIES = 3;
    private static final long BACKOFF_MILLIS = 1_000;
    private static final long HOLD_BACK_MILLIS = 200;

    private final Journal journal;
    private final ConsumerPositions positions;
    private final String logName;
    private final String name;
    private final String group;
    private final Predicate<LogEntry> holdBack;
    private final int maxEntries;
    private final long maxBytes;
    private final Consumer<JournalPoll> handler;
    private final BiConsumer<JournalPoll, String> refused;
    private final Consumer<List<LogEntry>> mapped;
    private volatile boolean running = true;
    private volatile long next; // the first entry not yet mapped
    private volatile boolean known; // whether next and row are as the database has them
    private Long row;           // the stored position, null while there is no row
    private String lastFailure;
    private boolean lastFailureRefusedTheData;
    private boolean replaying; // the entries read were in the log, not yet mapped, when this run began

    /**
     * @param handler maps a poll and moves the position on, in one transaction
     * @param refused records an entry whose data the database refuses, moving the position past it
     * @param mapped  told of the entries of each poll once they are mapped
     */
    public JournalConsumer(Journal journal, ConsumerPositions positions, String logName, int maxEntries, long maxBytes,
                           Consumer<JournalPoll> handler, BiConsumer<JournalPoll, String> refused, Consumer<List<LogEntry>> mapped) {
        this(journal, positions, logName, logName, journal.group(), null, maxEntries, maxBytes, handler, refused, mapped);
    }

    /**
     * @param name     what the consumer is called (its thread is {@code journal-<name>})
     * @param group    whose position in the log it reads and moves on
     * @param holdBack given the next entry not yet mapped: whether to wait before mapping it (null: never)
     */
    public JournalConsumer(Journal journal, ConsumerPositions positions, String logName, String name, String group,
                           Predicate<LogEntry> holdBack, int maxEntries, long maxBytes, Consumer<JournalPoll> handler,
                           BiConsumer<JournalPoll, String> refused, Consumer<List<LogEntry>> mapped) {
        this.journal = journal;
        this.positions = positions;
        this.logName = logName;
        this.name = name;
        this.group = group;
        this.holdBack = holdBack;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.handler = handler;
        this.refused = refused;
        this.mapped = mapped;
    }

    public String logName() {
        return logName;
    }

    public String name() {
        return name;
    }

    /** The first entry not yet mapped: as this consumer knows it, or else as the database has it. */
    public long next() {
        if (known) {
            return next;
        }
        Long stored = positions.read(group, logName, Set.of(0)).get(0);
        return stored == null ? 0 : stored;
    }

    @Override
    public void run() {
        int failures = 0;
        replaying = true; // until the log is first found read to its end
        while (running) {
            try {
                if (!known) {
                    row = positions.read(group, logName, Set.of(0)).get(0);
                    next = row == null ? 0 : row;
                    known = true;
                }
                if (holdingBack()) {
                    Thread.sleep(HOLD_BACK_MILLIS);
                    continue;
                }
                List<LogEntry> entries = journal.read(logName, next, maxEntries, maxBytes);
                if (entries.isEmpty()) {
                    replaying = false;
                    journal.awaitAppend(250);
                    continue;
                }
                if (store(entries, failures)) {
                    failures = 0;
                    mapped.accept(entries);
                } else {
                    failures++;
                    if (failures == 1 || failures % 30 == 0) {
                        log.warn("Could not map {} entries of the {} journal ({} tries so far; {}); trying again", entries.size(),
                                logName, failures, lastFailure);
                    }
                    known = false; // read again from what the database says
                    Thread.sleep(BACKOFF_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) { // reading the journal failed: the database is down or busy
                failures++;
                if (failures == 1 || failures % 30 == 0) {
                    log.warn("Could not read the {} journal ({} tries so far): {}", logName, failures, e.toString());
                }
                known = false;
                if (!pause()) {
                    return;
                }
            }
        }
    }

    private boolean holdingBack() {
        if (holdBack == null) {
            return false;
        }
        List<LogEntry> first = journal.read(logName, next, 1, 1);
        return !first.isEmpty() && holdBack.test(first.get(0));
    }

    private boolean store(List<LogEntry> entries, int failuresSoFar) {
        if (failuresSoFar < TRIES) {
            return handle(entries, handler);
        }
        // failed again and again: entry by entry, to tell an entry the database refuses from a passing fault
        for (LogEntry entry : entries) {
            if (entry.id() < next) {
                continue;
            }
            if (!handle(List.of(entry), handler)) {
                if (!lastFailureRefusedTheData) {
                    return false; // those mapped are left out when read again
                }
                String why = lastFailure;
                if (!handle(List.of(entry), poll -> refused.accept(poll, why))) {
                    return false;
                }
                log.error("Journal entry {} of the {} log ({} '{}') was refused by the database ({}); {}", entry.id(), logName,
                        LogEntry.SEGMENT.equals(logName) ? "destination" : "environment", entry.target(), why,
                        LogEntry.SEGMENT.equals(logName) ? "recorded as dropped" : "passed over");
            }
        }
        return true;
    }

    private boolean handle(List<LogEntry> entries, Consumer<JournalPoll> to) {
        long after = entries.get(entries.size() - 1).id() + 1;
        try {
            to.accept(new JournalPoll(entries, new ConsumerPositions.Advance(group, logName,
                    row == null ? Map.of() : Map.of(0, row), Map.of(0, after)), replaying));
            row = after;
            next = after;
            return true;
        } catch (RuntimeException e) {
            lastFailure = e.getCause() != null ? e.getCause().toString() : e.toString();
            lastFailureRefusedTheData = DataRefusedException.refusesTheData(e);
            return false;
        }
    }

    private boolean pause() {
        try {
            Thread.sleep(BACKOFF_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void stop() {
        running = false;
    }

    /** Lets {@link #run} go on again after a {@link #stop}. */
    void resume() {
        running = true;
    }
}
