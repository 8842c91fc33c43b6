package io.fmebridge.store;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Wakes the journal's consumers when entries are appended, so that they don't poll an idle journal. */
final class AppendSignal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private long appends;

    void signal() {
        lock.lock();
        try {
            appends++;
            appended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void await(long millis) throws InterruptedException {
        lock.lock();
        try {
            long seen = appends;
            long left = TimeUnit.MILLISECONDS.toNanos(millis);
            while (seen == appends && left > 0) {
                left = appended.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }
}
