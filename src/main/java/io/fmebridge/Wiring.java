package io.fmebridge;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fmebridge.destination.SegmentIngest;
import io.fmebridge.destination.SegmentMessageMapper;
import io.fmebridge.operations.FmeMetrics;
import io.fmebridge.queue.MappingThreadPriority;
import io.fmebridge.destination.SegmentRequestGate;
import io.fmebridge.destination.SegmentRequestParser;
import io.fmebridge.settings.FmeProperties;
import io.fmebridge.settings.SettingsRegistry;
import io.fmebridge.settings.StoreSettingCheck;
import io.fmebridge.store.GroupCommitWriter;
import io.fmebridge.store.SeenMessages;
import io.fmebridge.store.SqlDialect;
import io.fmebridge.store.WriteSetAggregator;

/** The beans the routes call, by the names the routes use. */
@Configuration(proxyBeanMethods = false)
public class Wiring {

    /**
     * Reads Segment bodies: numbers keep their precision, nesting is bounded. Not a bean, so that
     * Spring's own ObjectMapper stays as Spring Boot configures it.
     */
    private static final ObjectMapper SEGMENT_JSON = segmentJson();

    public static ObjectMapper segmentJson() {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
        return mapper;
    }

    /** Static: a check of the settings, made before any other bean. */
    @Bean
    static StoreSettingCheck storeSettingCheck(org.springframework.core.env.Environment environment) {
        return new StoreSettingCheck(environment);
    }

    @Bean
    MappingThreadPriority mappingThreadPriority(FmeProperties properties) {
        return new MappingThreadPriority(properties.ingest().mappingPriority() == FmeProperties.MappingPriority.LOW);
    }

    @Bean
    SegmentRequestParser segmentRequestParser(FmeProperties properties) {
        return new SegmentRequestParser(SEGMENT_JSON, properties.ingest().maxMessageBytes(), properties.ingest().maxMessages());
    }

    @Bean
    SegmentRequestGate segmentRequestGate(SettingsRegistry settings, SegmentRequestParser segmentRequestParser) {
        return new SegmentRequestGate(settings, segmentRequestParser, SEGMENT_JSON.getFactory());
    }

    @Bean
    SegmentMessageMapper segmentMessageMapper() {
        return new SegmentMessageMapper(SEGMENT_JSON);
    }

    @Bean
    SeenMessages seenMessages(JdbcTemplate jdbc, FmeProperties properties, @Value("${spring.datasource.url}") String url) {
        return new SeenMessages(jdbc, properties.dedupeWindow(), properties.ingest().retryAfterSeconds(), !SqlDialect.of(url).shared());
    }

    @Bean
    WriteSetAggregator writeSetAggregator() {
        return new WriteSetAggregator();
    }

    @Bean
    SegmentIngest segmentIngest(SeenMessages seenMessages) {
        return new SegmentIngest(seenMessages);
    }

    @Bean(destroyMethod = "close")
    GroupCommitWriter groupCommitWriter(DataSource dataSource, SeenMessages seenMessages, FmeProperties properties,
                                        @Value("${spring.datasource.url}") String url, @Value("${fme.queue:journal}") String queue,
                                        FmeMetrics metrics, io.fmebridge.operations.CommitLog commitLog) {
        // Behind the journal the mapped writes need no flush of their own: they are committed with the
        // consumer's position, H2 writes its commits to disk in order (in the background), a crash loses
        // both together, and the entries, kept until the purge has flushed the store, are mapped again.
        // Kafka's offsets are not in the store, so there each group is flushed.
        String flush = "journal".equals(queue) ? null : flushStatement(properties, url);
        return new GroupCommitWriter(dataSource, SqlDialect.of(url), seenMessages, properties.ingest().queueCapacity(),
                properties.ingest().retryAfterSeconds(), flush, written -> {
                    metrics.committed(written);
                    commitLog.committed(written);
                }, metrics::storeCommitted);
    }

    /** H2 keeps a commit in memory until the store is written: the statement that writes it (and fsyncs) per group. */
    public static String flushStatement(FmeProperties properties, String url) {
        return url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:")
                ? (properties.ingest().fsync() ? "CHECKPOINT SYNC" : "CHECKPOINT") : null;
    }
}
