package io.fmebridge.store;

import java.util.List;
import java.util.Map;

import io.fmebridge.queue.LogEntry;

/**
 * The embedded log: accepted requests, on disk before their 200, read in order by this instance's
 * consumers, and deleted once mapped and older than the retention. With the embedded store it is
 * a set of append-only files ({@link FileJournal}); with a shared or in-memory store a table of it
 * ({@link JournalTable}).
 */
public interface Journal {

    /** Entries not yet mapped, and the oldest one's receive time, per target (destination or environment). */
    record Behind(long entries, long oldestReceivedAt) {
    }

    /** The consumer group whose positions say how far this instance's consumers have mapped. */
    String group();

    /** Told once entries are on disk: wakes the consumers. */
    void appended();

    /** Waits until something is appended, or the time runs out. */
    void awaitAppend(long millis) throws InterruptedException;

    /**
     * Entries of the log from {@code from} on, in order: at most {@code maxEntries}, and no more once
     * their bodies reach {@code maxBytes} (the first one always).
     */
    List<LogEntry> read(String log, long from, int maxEntries, long maxBytes);

    /** Whether an entry of the log from {@code from} on can be read. */
    default boolean hasFrom(String log, long from) {
        return !read(log, from, 1, 1).isEmpty();
    }

    /** Told that every consumer of the log has mapped what is below {@code next}. */
    default void mapped(String log, long next) {
    }

    /** What is not yet mapped of the log, from {@code next} (the first entry not mapped) on, per target. */
    Map<String, Behind> behind(String log, long next);

    /**
     * Deletes mapped entries (below {@code next}) received before {@code before}, at most
     * {@code chunk} at a time. Returns how many were deleted.
     */
    int purge(String log, long next, long before, int chunk);
}
