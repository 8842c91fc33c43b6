package io.fmebridge.benchmark;

/**
 * Samples a process's memory while a scenario runs: the JVM heap in use (the service's
 * {@code jvm_memory_used_bytes{area="heap"}} from /actuator/prometheus) and the resident set
 * (VmRSS from /proc). Keeps the peaks.
 */
final class MemoryProbe implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peakHeap;
    private volatile long peakRss;
    private volatile long heap;
    private volatile long rss;

    /** @param prometheusUrl null for a process without one (only its RSS is sampled) */
    MemoryProbe(long pid, String prometheusUrl) {
        thread = new Thread(() -> {
            int tick = 0;
            while (running) {
                long[] r = Processes.rss(pid);
                rss = r[0];
                peakRss = Math.max(peakRss, r[0]);
                if (prometheusUrl != null && tick++ % 2 == 0) {
                    try {
                        heap = heapUsed(Processes.get(prometheusUrl, null));
                        peakHeap = Math.max(peakHeap, heap);
                    } catch (Exception e) {
                        // the next sample
                    }
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "memory-probe");
        thread.setDaemon(true);
        thread.start();
    }

    static long heapUsed(String prometheus) {
        long sum = 0;
        for (String line : prometheus.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    long heap() {
        return heap;
    }

    long rss() {
        return rss;
    }

    long peakHeap() {
        return peakHeap;
    }

    long peakRss() {
        return peakRss;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
    }
}
