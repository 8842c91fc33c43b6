package io.fmebridge.queue;

import java.util.ArrayList;
import java.util.List;

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
import io.fmebridge.store.GroupCommitWriter;
import io.fmebridge.store.Journal;
import io.fmebridge.store.JournalDatabase;
import io.fmebridge.store.SeenMessages;
import io.fmebridge.store.SqlDialect;
import io.fmebridge.store.WriteSet;

/**
 * {@code fme.queue=journal}, the default: the receiving routes append each accepted request to the
 * journal (a group commit of its own, flushed to disk before the 200), and this
 * instance's consumers map it behind the answer.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "fme.queue", havingValue = "journal", matchIfMissing = true)
@org.springframework.boot.context.properties.EnableConfigurationProperties(JournalSettings.class)
public class JournalWiring {

    /** With the embedded store the journal is a file of its own beside it; elsewhere a table of the store. */
    @Bean(destroyMethod = "close")
    JournalDatabase journalDatabase(DataSource dataSource, FmeProperties properties, @Value("${spring.datasource.url}") String url,
                                    @Value("${spring.datasource.username:}") String user,
                                    @Value("${spring.datasource.password:}") String password,
                                    org.flywaydb.core.Flyway flyway) {
        // Flyway first: the store's journal_entry (from before the journal had its own file) and
        // consumer_position exist before entries are moved and ids are chosen
        return JournalDatabase.forStore(dataSource, url, user, password, io.fmebridge.Wiring.flushStatement(properties, url),
                "journal:" + journalOwner(properties, url));
    }

    @Bean
    Journal journal(JournalDatabase journalDatabase, FmeProperties properties, @Value("${spring.datasource.url}") String url) {
        // embedded: one process owns the whole journal, whatever its instance id is today
        return new Journal(new JdbcTemplate(journalDatabase.dataSource()), journalOwner(properties, url));
    }

    private static String journalOwner(FmeProperties properties, String url) {
        return SqlDialect.of(url).shared() ? properties.instanceId() : "embedded";
    }

    /** The journal's own writer, so that an append never waits behind the mapping's larger transactions. */
    @Bean(destroyMethod = "close")
    GroupCommitWriter journalWriter(JournalDatabase journalDatabase, SeenMessages seenMessages, FmeProperties properties,
                                    @Value("${spring.datasource.url}") String url, FmeMetrics metrics, Journal journal) {
        // its groups hold appends alone, so on its own file its flush writes the journal's pages only
        return new GroupCommitWriter(journalDatabase.dataSource(), SqlDialect.of(url), seenMessages, properties.ingest().queueCapacity(),
                properties.ingest().retryAfterSeconds(), io.fmebridge.Wiring.flushStatement(properties, url),
                written -> journal.appended(), metrics::journalCommitted, journalOwner(properties, url), "journal-writer");
    }

    @Bean
    SegmentJournal segmentLog(GroupCommitWriter journalWriter, GroupCommitWriter groupCommitWriter, SegmentRequestGate gate,
                              SettingsRegistry settings) {
        return new SegmentJournal(journalWriter, groupCommitWriter, gate, settings);
    }

    @Bean
    ImpressionLog impressionLog(GroupCommitWriter journalWriter, ImpressionGate gate, ImpressionIntake intake,
                                SettingsRegistry settings) {
        return new ImpressionLog(entry -> journalWriter.commit(WriteSet.append(entry), null), gate, intake, settings);
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
        if (destinationSide) {
            consumers.add(new JournalConsumer(journal, positions, LogEntry.SEGMENT, settings.pollEntries(), settings.pollBytes(),
                    poll -> routes.send("direct:segment-records", poll), segmentLog::refused,
                    entries -> metrics.journalMapped(LogEntry.SEGMENT, entries)));
        }
        if (sourceSide) {
            consumers.add(new JournalConsumer(journal, positions, LogEntry.IMPRESSIONS, settings.pollEntries(), settings.pollBytes(),
                    poll -> routes.send("direct:impressions-records", poll), (poll, why) -> {
                        WriteSet passed = new WriteSet(); // nothing of it can be stored: the position moves past it
                        passed.positions().add(poll.advance());
                        groupCommitWriter.commit(passed, null);
                    }, entries -> metrics.journalMapped(LogEntry.IMPRESSIONS, entries)));
        }
        return new JournalConsumers(camel, consumers);
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
    JournalPurge journalPurge(Journal journal, JournalConsumers consumers, JournalSettings settings, JournalDatabase journalDatabase) {
        return new JournalPurge(journal, consumers, settings.retention(), journalDatabase::flushStore);
    }
}
