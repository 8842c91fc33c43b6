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

    public JournalPurge(Journal journal, JournalConsumers consumers, Duration retention) {
        this.journal = journal;
        this.consumers = consumers;
        this.retention = retention;
    }

    /** Returns how many entries were deleted. */
    public int purge() {
        long before = System.currentTimeMillis() - retention.toMillis();
        int deleted = 0;
        for (String name : new String[] {LogEntry.SEGMENT, LogEntry.IMPRESSIONS}) {
            var consumer = consumers.of(name);
            if (consumer.isPresent()) {
                deleted += journal.purge(name, consumer.get().next(), before, CHUNK);
            }
        }
        if (deleted > 0) {
            log.debug("Deleted {} mapped journal entries older than {}", deleted, retention);
        }
        return deleted;
    }
}
