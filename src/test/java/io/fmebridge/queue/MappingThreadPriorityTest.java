package io.fmebridge.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

/** Which threads are the mapping's, and that only those are lowered (docs/decisions.md). */
class MappingThreadPriorityTest {

    @Test
    void theConsumersTheStoresWriterAndH2sWritersAreTheMappingsThreads() {
        assertThat(MappingThreadPriority.isMappingThread("journal-segment")).isTrue();
        assertThat(MappingThreadPriority.isMappingThread("journal-impressions")).isTrue();
        assertThat(MappingThreadPriority.isMappingThread("group-commit-writer")).isTrue();
        assertThat(MappingThreadPriority.isMappingThread("kafka-store-0")).isTrue();
        assertThat(MappingThreadPriority.isMappingThread("kafka-batcher-1")).isTrue();
        assertThat(MappingThreadPriority.isMappingThread("MVStore background writer /data/fme.mv.db")).isTrue();
        assertThat(MappingThreadPriority.isMappingThread("H2-serialization")).isTrue();
        assertThat(MappingThreadPriority.isMappingThread("H2-save")).isTrue();
    }

    @Test
    void theJournalsWriterAndTheRequestThreadsAreNot() {
        // every 200 waits for these
        assertThat(MappingThreadPriority.isMappingThread("journal-writer")).isFalse();
        assertThat(MappingThreadPriority.isMappingThread("http-nio-8080-exec-1")).isFalse();
        assertThat(MappingThreadPriority.isMappingThread("task-3")).isFalse();
        assertThat(MappingThreadPriority.isMappingThread("kafka-producer-network-thread | producer-1")).isFalse();
        assertThat(MappingThreadPriority.isMappingThread("journal-purge")).isFalse();
    }

    @Test
    void onlyLiveMappingThreadsAreLowered() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Thread consumer = parked("kafka-store-7", done);
        Thread door = parked("journal-writer", done);
        try {
            assertThat(MappingThreadPriority.lowerMappingThreads()).isGreaterThanOrEqualTo(1);
            assertThat(consumer.getPriority()).isEqualTo(Thread.MIN_PRIORITY);
            assertThat(door.getPriority()).isEqualTo(Thread.NORM_PRIORITY);
            assertThat(Thread.currentThread().getPriority()).isEqualTo(Thread.NORM_PRIORITY);
        } finally {
            done.countDown();
        }
    }

    @Test
    void withNormalPriorityNothingIsLowered() {
        CountDownLatch done = new CountDownLatch(1);
        Thread consumer = parked("journal-segment", done);
        MappingThreadPriority normal = new MappingThreadPriority(false);
        try {
            normal.start();
            assertThat(normal.isRunning()).isFalse();
            assertThat(consumer.getPriority()).isEqualTo(Thread.NORM_PRIORITY);
        } finally {
            normal.stop();
            done.countDown();
        }
    }

    @Test
    void withoutTheJvmFlagsThePriorityDoesNotReachTheOs() {
        // the test JVM runs without -XX:ThreadPriorityPolicy=1: the service then says so at start
        assertThat(MappingThreadPriority.reachesTheOs()).isFalse();
    }

    private static Thread parked(String name, CountDownLatch done) {
        Thread t = new Thread(() -> {
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
