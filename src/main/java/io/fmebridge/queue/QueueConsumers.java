package io.fmebridge.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * The consumers of both topics, started once Camel runs the routes they feed, stopped before it
 * stops. {@code fme.kafka.consumers} of each per instance; all instances share the three groups
 * (the impressions topic has delivery's and the readout's).
 */
public final class QueueConsumers implements SmartLifecycle {
    private final KafkaSettings settings;
    private final io.fmebridge.store.ConsumerPositions positions;
    private final io.micrometer.core.instrument.MeterRegistry metrics;
    private final ObjectProvider<CamelContext> camelProvider;
    private volatile CamelContext camel;
    private final List<TopicConsumer> consumers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    private final boolean destinationSide;
    private final boolean sourceSide;

    /**
     * Camel through a provider: a lifecycle bean that depends on the CamelContext directly would
     * have Spring start Camel early, before its routes are added.
     */
    public QueueConsumers(KafkaSettings settings, io.fmebridge.store.ConsumerPositions positions,
                          io.micrometer.core.instrument.MeterRegistry metrics, ObjectProvider<CamelContext> camel,
                          boolean destinationSide, boolean sourceSide) {
        this.settings = settings;
        this.metrics = metrics;
        this.positions = positions;
        this.camelProvider = camel;
        this.destinationSide = destinationSide;
        this.sourceSide = sourceSide;
    }

    @Override
    public void start() {
        running = true;
        camel = camelProvider.getObject();
        // made by the first consumer once Camel runs: making it earlier would start Camel before its routes are added
        java.util.function.Supplier<ProducerTemplate> template = new java.util.function.Supplier<>() {
            private ProducerTemplate made;

            @Override
            public synchronized ProducerTemplate get() {
                if (made == null) {
                    made = camel.createProducerTemplate();
                }
                return made;
            }
        };
        // Segment messages: a poll as soon as anything is there, so the data is soon queryable
        Map<String, Object> storing = settings.clientProperties();
        // impressions: a poll waits up to gather-time for more, so that batches for Segment fill up
        Map<String, Object> gathering = new java.util.HashMap<>(settings.clientProperties());
        gathering.putAll(Map.of("fetch.min.bytes", 256 * 1024, "fetch.max.wait.ms", (int) settings.gatherTime().toMillis(),
                "max.poll.records", 2_000));
        // the readout: a request's impressions are one record, so a poll of 64 is as big as the journal's
        Map<String, Object> readout = new java.util.HashMap<>(settings.clientProperties());
        readout.put("max.poll.records", 64);
        for (int i = 0; i < settings.consumers(); i++) {
            if (destinationSide) {
                add("store-" + i, new TopicConsumer(settings.brokers(), settings.storeGroup(), settings.segmentTopic(), storing,
                        positions, metrics, poll -> template.get().sendBody("direct:segment-records", poll)));
            }
            if (sourceSide) {
                add("batcher-" + i, new TopicConsumer(settings.brokers(), settings.batcherGroup(), settings.impressionsTopic(),
                        gathering, positions, metrics, poll -> template.get().sendBody("direct:impressions-records", poll)));
                // the readout: the same records in a group of its own, stored for the query API and the readout
                add("readout-" + i, new TopicConsumer(settings.brokers(), settings.readoutGroup(), settings.impressionsTopic(),
                        readout, positions, metrics, poll -> template.get().sendBody("direct:impressions-readout", poll)));
            }
        }
    }

    private void add(String name, TopicConsumer consumer) {
        consumers.add(consumer);
        Thread thread = new Thread(() -> {
            while (!camel.isStarted() && running) { // Camel starts its routes once Spring has started
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
            consumer.run();
        }, "kafka-" + name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        consumers.forEach(TopicConsumer::stop);
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
