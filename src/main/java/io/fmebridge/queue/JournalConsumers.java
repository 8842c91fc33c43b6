package io.fmebridge.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * This instance's journal consumers (per log of a side that runs here: {@code segment}; and
 * {@code impressions} for delivery with {@code impressions-readout} behind it), started once Camel runs
 * the routes they feed and stopped before it stops (a stop lets the poll in hand finish).
 */
public final class JournalConsumers implements SmartLifecycle {
    private final ObjectProvider<CamelContext> camelProvider;
    private final List<JournalConsumer> consumers;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public JournalConsumers(ObjectProvider<CamelContext> camel, List<JournalConsumer> consumers) {
        this.camelProvider = camel;
        this.consumers = consumers;
    }

    /** Sends a poll to a route, with a template made once Camel runs (making it earlier would start Camel before its routes). */
    public static final class RouteSender {
        private final ObjectProvider<CamelContext> camel;
        private ProducerTemplate template;

        public RouteSender(ObjectProvider<CamelContext> camel) {
            this.camel = camel;
        }

        public synchronized void send(String uri, Object body) {
            if (template == null) {
                template = camel.getObject().createProducerTemplate();
            }
            template.sendBody(uri, body);
        }
    }

    /** The consumer of that name ({@code segment}, {@code impressions}, {@code impressions-readout}). */
    public Optional<JournalConsumer> named(String name) {
        return consumers.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /**
     * The first entry of the log that some consumer here has not mapped yet: what is below it is
     * mapped by all of them. Empty when no consumer here reads that log.
     */
    public java.util.OptionalLong next(String log) {
        return consumers.stream().filter(c -> c.logName().equals(log)).mapToLong(JournalConsumer::next).min();
    }

    @Override
    public void start() {
        running = true;
        CamelContext camel = camelProvider.getObject();
        threads.clear();
        for (JournalConsumer consumer : consumers) {
            consumer.resume();
            Thread thread = new Thread(() -> {
                while (!camel.isStarted() && running) { // Camel starts its routes once Spring has started
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (running) {
                    consumer.run();
                }
            }, "journal-" + consumer.name());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    @Override
    public void stop() {
        running = false;
        consumers.forEach(JournalConsumer::stop);
        for (Thread t : threads) {
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
