package io.fmebridge.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmebridge.api.RequestRejectedException;

/**
 * The bounded queue in front of a group commit's single writer thread, shared by the store's
 * writer and the journal's: the thread takes every write waiting at that moment (up to
 * {@code maxGroup}) and hands them to {@code writeGroup} at once, which completes each one's
 * {@link Waiting#done}. A write that finds the queue full is not queued at all.
 */
final class GroupCommitQueue<W extends GroupCommitQueue.Waiting> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitQueue.class);
    private static final long MAX_WAIT_SECONDS = 60;

    /** A write in the queue, and what its caller waits on. */
    interface Waiting {
        CompletableFuture<?> done();
    }

    private final BlockingQueue<W> queue;
    private final int maxGroup;
    private final Consumer<List<W>> writeGroup;
    private final Thread writer;
    private volatile boolean running = true;

    GroupCommitQueue(int capacity, int maxGroup, String threadName, Consumer<List<W>> writeGroup) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxGroup = maxGroup;
        this.writeGroup = writeGroup;
        this.writer = new Thread(this::run, threadName);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Queues the write; false when the queue is full or closing, and then nothing of it is queued. */
    boolean offer(W write) {
        return running && queue.offer(write);
    }

    /**
     * Waits for a queued write: at most 60 s, then 503 (it may still be written). A write that failed
     * becomes what {@code failed} makes of its cause.
     */
    static void await(Waiting write, int retryAfterSeconds, String tooSlow, Function<Throwable, RuntimeException> failed) {
        try {
            write.done().get(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RequestRejectedException.saturated("the service is shutting down", retryAfterSeconds);
        } catch (TimeoutException e) {
            throw RequestRejectedException.saturated(tooSlow, retryAfterSeconds);
        } catch (ExecutionException e) {
            throw failed.apply(e.getCause());
        }
    }

    private void run() {
        List<W> group = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                W first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, maxGroup - 1);
                writeGroup.accept(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                // the writer must outlive any one group, or every later write would wait in vain
                log.error("{} failed", writer.getName(), e);
                group.forEach(w -> w.done().completeExceptionally(e));
            } finally {
                group.clear();
            }
        }
    }

    /** Writes what is queued, then stops the thread. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        writer.join(10_000);
    }
}
