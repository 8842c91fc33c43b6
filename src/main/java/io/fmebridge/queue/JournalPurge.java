package io.fmebridge.queue;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmebridge.store.Journal;

/** What {@code routes/journal.yaml} calls: deletes entries already mapped once they are older than the retention. */
public final class JournalPurge {
    private static final Logger log = LoggerFactory.getLogger(JournalPurge.class);
    private static final int CHUNK = 10_000;

    private final Journal journal;
    private final JournalConsumers consumers;
    private final Duration retention;
    private final Runnable flushStore;

    /**
     * {@code flushStore} writes the store to disk: what mapped an entry may still be only in memory
     * when the journal is a file of its own, and the entry must outlive it.
     */
    public JournalPurge(Journal journal, JournalConsumers consumers, Duration retention, Runnable flushStore) {
        this.journal = journal;
        this.consumers = consumers;
        this.retention = retention;
        this.flushStore = flushStore;
    }

    /** Returns how many entries were deleted. */
    public int purge() {
        long before = System.currentTimeMillis() - retention.toMillis();
        String[] logs = {LogEntry.SEGMENT, LogEntry.IMPRESSIONS};
        long[] mapped = new long[logs.length];
        for (int i = 0; i < logs.length; i++) { // read before the flush: the flush then covers all of it
            mapped[i] = consumers.next(logs[i]).orElse(-1L); // the slowest consumer's
        }
        flushStore.run();
        int deleted = 0;
        for (int i = 0; i < logs.length; i++) {
            if (mapped[i] >= 0) {
                deleted += journal.purge(logs[i], mapped[i], before, CHUNK);
            }
        }
        if (deleted > 0) {
            log.debug("Deleted {} mapped journal entries older than {}", deleted, retention);
        }
        return deleted;
    }
}
