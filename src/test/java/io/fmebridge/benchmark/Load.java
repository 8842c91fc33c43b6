package io.fmebridge.benchmark;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Closed-loop load: each sender posts a request, waits for the answer, and posts the next. Only
 * answers that arrive within the measured window count toward rates and latencies; a warm-up
 * comes first. Every answered message is counted, window or not, so that the store can be checked.
 */
final class Load {
    /** One request body and how many messages it carries. */
    record Body(byte[] bytes, int messages) {
        static Body of(String text, int messages) {
            return new Body(text.getBytes(StandardCharsets.UTF_8), messages);
        }
    }

    /** What a load produced. */
    record Outcome(long requestsInWindow, long messagesInWindow, double windowSeconds, double p50Millis, double p99Millis,
                   long okMessagesTotal, Map<Integer, Long> statuses, long ioErrors) {
        double requestsPerSecond() {
            return requestsInWindow / windowSeconds;
        }

        double messagesPerSecond() {
            return messagesInWindow / windowSeconds;
        }
    }

    private Load() {
    }

    /**
     * @param bodies   for sender i, a generator of bodies (each sender has its own, unshared)
     * @param progress called about once a second with (seconds into the window, requests, messages so far)
     */
    static Outcome run(int port, String path, String authorization, int senders, IntFunction<java.util.function.Supplier<Body>> bodies,
                       long warmupMillis, long measureMillis, Function<double[], Void> progress) throws InterruptedException {
        long start = System.nanoTime();
        long windowStart = start + warmupMillis * 1_000_000;
        long windowEnd = windowStart + measureMillis * 1_000_000;
        AtomicLong windowRequests = new AtomicLong();
        AtomicLong windowMessages = new AtomicLong();
        AtomicLong okMessages = new AtomicLong();
        AtomicLong ioErrors = new AtomicLong();
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        List<long[]> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            java.util.function.Supplier<Body> next = bodies.apply(s);
            Thread t = new Thread(() -> {
                long[] mine = new long[1024];
                int n = 0;
                try (LoopbackClient client = new LoopbackClient(port)) {
                    while (System.nanoTime() < windowEnd) {
                        Body body = next.get();
                        long sent = System.nanoTime();
                        int status;
                        try {
                            status = client.post(path, authorization, body.bytes());
                        } catch (java.io.IOException e) {
                            ioErrors.incrementAndGet();
                            Thread.sleep(10);
                            continue;
                        }
                        long answered = System.nanoTime();
                        statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                        if (status == 200) {
                            okMessages.addAndGet(body.messages());
                        }
                        if (answered >= windowStart && answered < windowEnd) {
                            if (n == mine.length) {
                                mine = Arrays.copyOf(mine, n * 2);
                            }
                            mine[n++] = answered - sent;
                            if (status == 200) {
                                windowRequests.incrementAndGet();
                                windowMessages.addAndGet(body.messages());
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                latencies.add(Arrays.copyOf(mine, n));
            }, "sender-" + s);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        while (System.nanoTime() < windowEnd) {
            Thread.sleep(Math.max(1, Math.min(2000, (windowEnd - System.nanoTime()) / 1_000_000)));
            long now = System.nanoTime();
            if (now >= windowStart && progress != null) {
                progress.apply(new double[] {(now - windowStart) / 1e9, windowRequests.get(), windowMessages.get()});
            }
        }
        for (Thread t : threads) {
            t.join(180_000);
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        Map<Integer, Long> byStatus = new TreeMap<>();
        statuses.forEach((k, v) -> byStatus.put(k, v.get()));
        return new Outcome(windowRequests.get(), windowMessages.get(), measureMillis / 1000.0, percentile(all, 0.50),
                percentile(all, 0.99), okMessages.get(), byStatus, ioErrors.get());
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
