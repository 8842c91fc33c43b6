package io.fmebridge.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * This instance's journal consumers, one per log of a side that runs here, started once Camel runs
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

    public Optional<JournalConsumer> of(String log) {
        return consumers.stream().filter(c -> c.logName().equals(log)).findFirst();
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
            }, "journal-" + consumer.logName());
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
