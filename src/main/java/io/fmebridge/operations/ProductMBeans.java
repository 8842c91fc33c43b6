package io.fmebridge.operations;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.fmebridge.queue.JournalLag;
import io.fmebridge.queue.LogEntry;
import io.fmebridge.settings.Destination;
import io.fmebridge.settings.SettingsRegistry;
import io.fmebridge.settings.Source;
import io.fmebridge.source.GatheringView;
import io.fmebridge.store.OutboxRepository;
import io.fmebridge.store.QueryRepository;

/**
 * The product's own MBeans, beside Camel's: {@code io.fmebridge:type=Destination,name=<id>} and
 * {@code io.fmebridge:type=Source,name=<id>}, one per destination and per source.
 */
@Component
public class ProductMBeans implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(ProductMBeans.class);
    public static final String DOMAIN = "io.fmebridge";

    private final SettingsRegistry settings;
    private final QueryRepository queries;
    private final OutboxRepository outbox;
    private final GatheringView gathering;
    private final SourcePauses pauses;
    private final ObjectProvider<JournalLag> lag;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final List<ObjectName> registered = new ArrayList<>();

    public ProductMBeans(SettingsRegistry settings, QueryRepository queries, OutboxRepository outbox, GatheringView gathering,
                         SourcePauses pauses, ObjectProvider<JournalLag> lag) {
        this.settings = settings;
        this.queries = queries;
        this.outbox = outbox;
        this.gathering = gathering;
        this.pauses = pauses;
        this.lag = lag;
    }

    public static ObjectName destinationName(String id) throws JMException {
        return new ObjectName(DOMAIN + ":type=Destination,name=" + ObjectName.quote(id));
    }

    public static ObjectName sourceName(String id) throws JMException {
        return new ObjectName(DOMAIN + ":type=Source,name=" + ObjectName.quote(id));
    }

    @EventListener(ApplicationReadyEvent.class)
    public synchronized void register() {
        try {
            for (Destination d : settings.current().destinations()) {
                register(destinationName(d.id()), new DestinationView(d.id()));
            }
            for (Source s : settings.current().sources()) {
                register(sourceName(s.id()), new SourceView(s));
            }
        } catch (JMException e) {
            log.warn("Could not register the product's MBeans: {}", e.toString());
        }
    }

    /** A destination or source added, changed or removed through the admin API: the MBeans follow. */
    @EventListener(SettingsRegistry.SettingsChanged.class)
    public synchronized void settingsChanged() {
        destroy();
        register();
    }

    private void register(ObjectName name, Object bean) throws JMException {
        if (server.isRegistered(name)) {
            server.unregisterMBean(name); // an earlier context in the same JVM
        }
        server.registerMBean(bean, name);
        registered.add(name);
    }

    @Override
    public synchronized void destroy() {
        for (ObjectName name : registered) {
            try {
                server.unregisterMBean(name);
            } catch (JMException ignored) {
                // already gone
            }
        }
        registered.clear();
    }

    private final class DestinationView implements DestinationStatsMXBean {
        private final String id;

        DestinationView(String id) {
            this.id = id;
        }

        private QueryRepository.DestinationStats stats() {
            return queries.destinationStats(id);
        }

        @Override
        public long getReceived() {
            return stats().received();
        }

        @Override
        public long getStored() {
            return stats().stored();
        }

        @Override
        public long getDuplicates() {
            return stats().duplicates();
        }

        @Override
        public long getDroppedTotal() {
            return stats().dropped().values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public String getDroppedByReason() {
            return stats().dropped().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        }

        private JournalLag.Lag journalLag() {
            JournalLag journal = lag.getIfAvailable();
            return journal == null ? null : journal.recent().of(LogEntry.SEGMENT, id);
        }

        @Override
        public long getLagEntries() {
            JournalLag.Lag l = journalLag();
            return l == null ? -1 : l.entries();
        }

        @Override
        public double getLagSeconds() {
            JournalLag.Lag l = journalLag();
            return l == null ? -1 : l.seconds();
        }
    }

    private final class SourceView implements SourceStatsMXBean {
        private final Source source;

        SourceView(Source source) {
            this.source = source;
        }

        private OutboxRepository.SourceStats stats() {
            return outbox.stats(source.id(), gathering.gathering(source.id()));
        }

        @Override
        public long getPending() {
            return stats().pending();
        }

        @Override
        public long getDelivered() {
            return stats().delivered();
        }

        @Override
        public long getRetrying() {
            return stats().retrying();
        }

        @Override
        public long getDeadLettered() {
            return stats().deadLettered();
        }

        @Override
        public long getBatchesSent() {
            return stats().batchesSent();
        }

        @Override
        public String getLastError() {
            return stats().lastError();
        }

        @Override
        public boolean isPaused() {
            return pauses.isPaused(source.id());
        }

        @Override
        public void pause() {
            pauses.pause(source.id());
            log.info("Source {}: delivery paused", source.id());
        }

        @Override
        public void resume() {
            pauses.resume(source.id());
            log.info("Source {}: delivery resumed", source.id());
        }

        @Override
        public int replayDeadLetters() {
            return outbox.replay(source.id(), source.maxMessages(), source.maxBytes());
        }
    }
}
