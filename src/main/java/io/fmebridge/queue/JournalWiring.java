package io.fmebridge.queue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import io.fmebridge.destination.SegmentRequestGate;
import io.fmebridge.operations.FmeMetrics;
import io.fmebridge.settings.FmeProperties;
import io.fmebridge.settings.SettingsRegistry;
import io.fmebridge.source.ImpressionGate;
import io.fmebridge.source.ImpressionIntake;
import io.fmebridge.store.ConsumerPositions;
import io.fmebridge.store.FileJournal;
import io.fmebridge.store.JournalMigration;
import io.fmebridge.store.JournalTable;
import io.fmebridge.store.GroupCommitWriter;
import io.fmebridge.store.Journal;
import io.fmebridge.store.JournalDatabase;
import io.fmebridge.store.SeenMessages;
import io.fmebridge.store.SqlDialect;
import io.fmebridge.store.WriteSet;

/**
 * {@code fme.queue=journal}, the default: the receiving routes append each accepted request to the
 * journal (a group commit of its own, on disk before the 200), and this instance's consumers map
 * it behind the answer.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "fme.queue", havingValue = "journal", matchIfMissing = true)
@org.springframework.boot.context.properties.EnableConfigurationProperties(JournalSettings.class)
public class JournalWiring {
    /** What the readout's consumer of the impressions log adds to its name and to its group. */
    static final String READOUT = "-readout";

    /**
     * The journal and how an entry is appended to it. With the embedded store (an H2 file) its own
     * append-only files beside the store ({@link FileJournal}); elsewhere (PostgreSQL, an H2 server,
     * H2 in memory) the store's {@code journal_entry} table, appended by a group commit of its own.
     */
    public record OpenJournal(Journal journal, Consumer<LogEntry> appender, Runnable flushStore, AutoCloseable owned)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            owned.close();
        }
    }

    @Bean(destroyMethod = "close")
    OpenJournal openJournal(DataSource dataSource, FmeProperties properties, @Value("${spring.datasource.url}") String url,
                            @Value("${spring.datasource.username:}") String user,
                            @Value("${spring.datasource.password:}") String password,
                            JournalSettings settings,
                            SeenMessages seenMessages, FmeMetrics metrics, org.flywaydb.core.Flyway flyway) {
        // Flyway first: consumer_position exists before ids are chosen
        String flush = io.fmebridge.Wiring.flushStatement(properties, url);
        String owner = journalOwner(properties, url);
        String group = "journal:" + owner;
        JdbcTemplate store = new JdbcTemplate(dataSource);
        ConsumerPositions positions = new ConsumerPositions(store);
        startReadoutAtDelivery(store, positions, group);
        Path dir = FileJournal.besideStore(url);
        if (dir != null && flush != null) {
            Map<String, Long> next = new HashMap<>();
            for (String log : List.of(LogEntry.SEGMENT, LogEntry.IMPRESSIONS)) {
                Long at = positions.read(group, log, Set.of(0)).get(0);
                next.put(log, at == null ? 0 : at);
            }
            long highest = next.values().stream().mapToLong(Long::longValue).max().orElse(0);
            Long readout = positions.read(readoutGroup(group), LogEntry.IMPRESSIONS, Set.of(0)).get(0);
            next.merge(LogEntry.IMPRESSIONS, readout == null ? 0 : readout, Math::min); // from the slowest consumer on
            FileJournal files = new FileJournal(dir, group, properties.ingest().fsync(), settings.segmentSize().toBytes(),
                    properties.ingest().queueCapacity(), properties.ingest().retryAfterSeconds(), metrics::journalCommitted, next);
            try {
                JournalMigration.moveInto(files, dataSource, url, user, password, flush, group);
                // a journal whose files were lost must not hand out ids the consumers count as mapped
                files.start(highest);
            } catch (RuntimeException e) {
                closeQuietly(files);
                throw e;
            }
            return new OpenJournal(files, files::append, () -> store.execute(flush), files);
        }
        JournalDatabase database = JournalDatabase.inStore(dataSource);
        JournalTable table = new JournalTable(new JdbcTemplate(database.dataSource()), owner);
        GroupCommitWriter writer = new GroupCommitWriter(database.dataSource(), SqlDialect.of(url), seenMessages,
                properties.ingest().queueCapacity(), properties.ingest().retryAfterSeconds(), flush, written -> table.appended(),
                metrics::journalCommitted, owner, "journal-writer");
        return new OpenJournal(table, entry -> writer.commit(WriteSet.append(entry), null), database::flushStore, writer);
    }

    static String readoutGroup(String group) {
        return group + READOUT;
    }

    /**
     * The readout's position, the first time it has none: where delivery is. Before it had a consumer
     * of its own, delivery stored the impressions, so what delivery has mapped is stored already.
     */
    static void startReadoutAtDelivery(JdbcTemplate store, ConsumerPositions positions, String group) {
        Long delivery = positions.read(group, LogEntry.IMPRESSIONS, Set.of(0)).get(0);
        if (delivery != null && positions.read(readoutGroup(group), LogEntry.IMPRESSIONS, Set.of(0)).isEmpty()) {
            store.update("INSERT INTO consumer_position (group_id, topic, partition_no, next_offset) VALUES (?, ?, 0, ?)",
                    readoutGroup(group), LogEntry.IMPRESSIONS, delivery);
        }
    }

    private static void closeQuietly(FileJournal files) {
        try {
            files.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Bean
    Journal journal(OpenJournal open) {
        return open.journal();
    }

    private static String journalOwner(FmeProperties properties, String url) {
        // embedded: one process owns the whole journal, whatever its instance id is today
        return SqlDialect.of(url).shared() ? properties.instanceId() : "embedded";
    }

    @Bean
    SegmentJournal segmentLog(OpenJournal open, GroupCommitWriter groupCommitWriter, SegmentRequestGate gate,
                              SettingsRegistry settings) {
        return new SegmentJournal(open.appender(), groupCommitWriter, gate, settings);
    }

    @Bean
    ImpressionLog impressionLog(OpenJournal open, ImpressionGate gate, ImpressionIntake intake, SettingsRegistry settings) {
        return new ImpressionLog(open.appender(), gate, intake, settings);
    }

    @Bean
    JournalConsumers journalConsumers(ObjectProvider<CamelContext> camel, Journal journal, JdbcTemplate jdbc,
                                      JournalSettings settings, SegmentJournal segmentLog, GroupCommitWriter groupCommitWriter,
                                      FmeMetrics metrics,
                                      @Value("${fme.flows.destination:true}") boolean destinationSide,
                                      @Value("${fme.flows.source:true}") boolean sourceSide) {
        ConsumerPositions positions = new ConsumerPositions(jdbc);
        JournalConsumers.RouteSender routes = new JournalConsumers.RouteSender(camel);
        List<JournalConsumer> consumers = new ArrayList<>();
        JournalConsumers[] all = new JournalConsumers[1]; // what every consumer of a log has mapped, once a poll is
        java.util.function.Consumer<String> mappedByAll = log -> all[0].next(log).ifPresent(next -> journal.mapped(log, next));
        java.util.function.BiConsumer<JournalPoll, String> passOver = (poll, why) -> {
            WriteSet passed = new WriteSet(); // nothing of it can be stored: the position moves past it
            passed.positions().add(poll.advance());
            groupCommitWriter.commit(passed, null);
        };
        if (destinationSide) {
            consumers.add(new JournalConsumer(journal, positions, LogEntry.SEGMENT, settings.pollEntries(), settings.pollBytes(),
                    poll -> routes.send("direct:segment-records", poll), segmentLog::refused, entries -> {
                        metrics.journalMapped(LogEntry.SEGMENT, entries);
                        mappedByAll.accept(LogEntry.SEGMENT);
                    }));
        }
        if (sourceSide) {
            JournalConsumer delivery = new JournalConsumer(journal, positions, LogEntry.IMPRESSIONS, settings.pollEntries(),
                    settings.pollBytes(), poll -> routes.send("direct:impressions-records", poll), passOver, entries -> {
                        metrics.journalMapped(LogEntry.IMPRESSIONS, entries);
                        mappedByAll.accept(LogEntry.IMPRESSIONS);
                    });
            consumers.add(delivery);
            consumers.add(new JournalConsumer(journal, positions, LogEntry.IMPRESSIONS, LogEntry.IMPRESSIONS + READOUT,
                    readoutGroup(journal.group()), new ReadoutHoldBack(
                    () -> journal.hasFrom(LogEntry.IMPRESSIONS, delivery.next()), settings.readoutDelay().toMillis(),
                    System::currentTimeMillis),
                    settings.pollEntries(), settings.pollBytes(), poll -> routes.send("direct:impressions-readout", poll), passOver,
                    entries -> mappedByAll.accept(LogEntry.IMPRESSIONS)));
        }
        all[0] = new JournalConsumers(camel, consumers);
        return all[0];
    }

    @Bean
    JournalLag journalLag(Journal journal, JournalConsumers consumers, io.micrometer.core.instrument.MeterRegistry registry) {
        JournalLag lag = new JournalLag(journal, consumers);
        for (String log : List.of(LogEntry.SEGMENT, LogEntry.IMPRESSIONS)) {
            io.micrometer.core.instrument.Gauge.builder("fme.journal.lag.entries", lag, l -> entries(l, log))
                    .description("Entries of the journal answered 200 but not yet mapped").tag("log", log).register(registry);
            io.micrometer.core.instrument.Gauge.builder("fme.journal.lag.seconds", lag, l -> seconds(l, log))
                    .description("How long the oldest entry not yet mapped has waited").tag("log", log).register(registry);
        }
        return lag;
    }

    private static double entries(JournalLag lag, String log) {
        var l = lag.recent().logs().get(log);
        return l == null ? 0 : l.entries();
    }

    private static double seconds(JournalLag lag, String log) {
        var l = lag.recent().logs().get(log);
        return l == null ? 0 : l.seconds();
    }

    /** {@code /actuator/health} is DOWN while the oldest entry not yet mapped has waited longer than fme.journal.max-lag. */
    @Bean("journalHealthIndicator")
    org.springframework.boot.actuate.health.HealthIndicator journalHealth(JournalLag lag, JournalSettings settings) {
        return () -> {
            JournalLag.Snapshot s = lag.recent();
            var health = s.seconds() > settings.maxLag().toMillis() / 1000.0
                    ? org.springframework.boot.actuate.health.Health.down() : org.springframework.boot.actuate.health.Health.up();
            return health.withDetail("entries", s.entries()).withDetail("seconds", s.seconds())
                    .withDetail("maxLagSeconds", settings.maxLag().toSeconds()).build();
        };
    }

    /** Mapped entries older than fme.journal.retention are deleted, every fme.journal.purge-period. */
    @Bean
    JournalPurge journalPurge(Journal journal, JournalConsumers consumers, JournalSettings settings, OpenJournal open) {
        return new JournalPurge(journal, consumers, settings.retention(), open.flushStore());
    }
}
