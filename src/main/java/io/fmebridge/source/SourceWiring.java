package io.fmebridge.source;

import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.fmebridge.settings.FmeProperties;
import io.fmebridge.settings.SettingsRegistry;
import io.fmebridge.store.OutboxRepository;
import io.fmebridge.store.SqlDialect;

/** The beans the source side's routes call (FME -> Segment), by the names the routes use. */
@Configuration(proxyBeanMethods = false)
public class SourceWiring {
    public static final String PRODUCT_NAME = "fme-segment-bridge";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Bean
    ImpressionParser impressionParser() {
        return new ImpressionParser(JSON);
    }

    @Bean
    ImpressionIntake impressionIntake(ObjectProvider<BuildProperties> build) {
        BuildProperties props = build.getIfAvailable();
        return new ImpressionIntake(new ImpressionMapper(JSON, PRODUCT_NAME, props == null ? "dev" : props.getVersion()));
    }

    @Bean
    ImpressionGate impressionGate(SettingsRegistry settings, ImpressionParser impressionParser) {
        return new ImpressionGate(settings, impressionParser);
    }

    @Bean
    BatchAggregation batchAggregation() {
        return new BatchAggregation();
    }

    /**
     * The aggregator's repository: what is gathered survives a restart or a crash. On PostgreSQL
     * its insert says ON CONFLICT DO NOTHING, since a failed insert there would abort the whole
     * transaction.
     */
    @Bean
    JdbcAggregationRepository impressionBatches(PlatformTransactionManager transactions, DataSource dataSource,
                                                @Value("${spring.datasource.url}") String url) {
        JdbcAggregationRepository repository = SqlDialect.of(url).shared()
                ? new PostgresBatchRepository(transactions, "impression_batches", dataSource)
                : new JdbcAggregationRepository(transactions, "impression_batches", dataSource);
        repository.setUseRecovery(true);
        repository.setRecoveryInterval(5000);
        repository.setDeserializationFilter("io.fmebridge.source.GatheredBatch;java.**;org.apache.camel.**;!*");
        return repository;
    }

    @Bean
    OutboxRepository outbox(JdbcTemplate jdbc, PlatformTransactionManager transactions,
                            io.fmebridge.operations.SourcePauses pauses, FmeProperties properties,
                            @Value("${spring.datasource.url}") String url) {
        OutboxRepository outbox = new OutboxRepository(jdbc, new TransactionTemplate(transactions), JSON, pauses::paused,
                SqlDialect.of(url), properties.instanceId());
        outbox.resumeInterrupted();
        return outbox;
    }

    @Bean
    SegmentDelivery segmentDelivery(SettingsRegistry settings, OutboxRepository outbox, FmeProperties properties,
                                    io.fmebridge.operations.FmeMetrics metrics) {
        FmeProperties.Delivery d = properties.delivery();
        return new SegmentDelivery(settings, outbox, new DeliveryPolicy(d.maxRetryTime(), d.initialBackoff(), d.maxBackoff(),
                () -> ThreadLocalRandom.current().nextDouble()), metrics);
    }

    @Bean
    GatheringView gatheringView(CamelContext camel, JdbcAggregationRepository impressionBatches) {
        return new GatheringView(camel, impressionBatches);
    }
}
