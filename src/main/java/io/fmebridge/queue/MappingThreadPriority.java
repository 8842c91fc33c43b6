package io.fmebridge.queue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the mapping behind the log at the lowest thread priority, so that on a busy machine the
 * requests are answered first and the mapping takes the CPU they leave (docs/decisions.md). The
 * mapping's threads are the log's consumers, the store's writer and the embedded H2's own writer
 * threads; the journal's writer and the request threads keep the normal priority, since every 200
 * waits for them.
 *
 * <p>A Java priority reaches Linux only when the JVM runs with {@link #JVM_FLAGS} (the start
 * command has them); without them this changes nothing, and says so once at start.
 */
public final class MappingThreadPriority implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(MappingThreadPriority.class);

    /** What makes {@link Thread#MIN_PRIORITY} the OS's lowest (nice 19); NORM_PRIORITY stays nice 0. */
    public static final List<String> JVM_FLAGS = List.of("-XX:ThreadPriorityPolicy=1", "-XX:JavaPriority1_To_OSPriority=19");

    /** The mapping's threads: exact names, then name prefixes (H2 adds the file's name to its writer's). */
    static final List<String> NAMES = List.of("journal-" + LogEntry.SEGMENT, "journal-" + LogEntry.IMPRESSIONS,
            "journal-" + LogEntry.IMPRESSIONS + JournalWiring.READOUT, "group-commit-writer");
    static final List<String> PREFIXES = List.of("kafka-store-", "kafka-batcher-", "kafka-readout-", "MVStore background writer", "H2-serialization",
            "H2-save");

    /** How often threads started since (H2 starts its own when it opens the store) are looked for. */
    private static final long RESCAN_SECONDS = 5;

    private final boolean enabled;
    private ScheduledExecutorService rescans;

    public MappingThreadPriority(boolean enabled) {
        this.enabled = enabled;
    }

    static boolean isMappingThread(String name) {
        return NAMES.contains(name) || PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** Lowers every live mapping thread still above the lowest priority; returns how many it lowered. */
    static int lowerMappingThreads() {
        int lowered = 0;
        for (Thread thread : liveThreads()) {
            if (thread.getPriority() != Thread.MIN_PRIORITY && isMappingThread(thread.getName())) {
                thread.setPriority(Thread.MIN_PRIORITY);
                lowered++;
            }
        }
        return lowered;
    }

    static List<Thread> liveThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int n = root.enumerate(threads, true);
        List<Thread> live = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            live.add(threads[i]);
        }
        return live;
    }

    /** Whether a thread priority changes the OS's scheduling in this JVM. */
    static boolean reachesTheOs() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return "1".equals(vm.getVMOption("ThreadPriorityPolicy").getValue())
                    && "19".equals(vm.getVMOption("JavaPriority1_To_OSPriority").getValue());
        } catch (RuntimeException e) {
            return false; // not HotSpot
        }
    }

    @Override
    public void start() {
        if (!enabled) {
            return;
        }
        if (reachesTheOs()) {
            log.info("The mapping behind the log runs at the lowest OS priority: requests are answered first");
        } else {
            log.info("The mapping behind the log shares the CPU with the requests equally; start the JVM with {} to answer "
                    + "requests first (docs/operations.md)", String.join(" ", JVM_FLAGS));
        }
        lowerMappingThreads();
        rescans = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mapping-priority");
            t.setDaemon(true);
            return t;
        });
        rescans.scheduleWithFixedDelay(MappingThreadPriority::lowerMappingThreads, RESCAN_SECONDS, RESCAN_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void stop() {
        if (rescans != null) {
            rescans.shutdownNow();
            rescans = null;
        }
    }

    @Override
    public boolean isRunning() {
        return rescans != null;
    }
}
