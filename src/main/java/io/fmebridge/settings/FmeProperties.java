package io.fmebridge.settings;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The product's own settings, the {@code fme.*} properties of contract section 1. */
@ConfigurationProperties(prefix = "fme")
public record FmeProperties(
        @DefaultValue("config/integrations.yml") Path integrationsFile,
        @DefaultValue("data") Path dataDir,
        String adminToken,
        String publicUrl,
        @DefaultValue("routes") Path routesDir,
        @DefaultValue("24h") Duration dedupeWindow,
        @DefaultValue Ingest ingest,
        @DefaultValue Delivery delivery,
        @DefaultValue("h2") Store store,
        String instanceId) {

    /** Where the service keeps its data: the embedded H2 file, or a PostgreSQL database several instances share. */
    public enum Store {
        H2,
        POSTGRES
    }

    /** Sending batches to Segment (contract 5.2). */
    public record Delivery(
            @DefaultValue("4h") Duration maxRetryTime,
            @DefaultValue("1s") Duration initialBackoff,
            @DefaultValue("10m") Duration maxBackoff) {
    }

    /** Limits of the ingestion endpoints (contract 3.3) and of the group commit behind them. */
    public record Ingest(
            @DefaultValue("512000") int maxRequestBytes,
            @DefaultValue("32768") int maxMessageBytes,
            @DefaultValue("2500") int maxMessages,
            @DefaultValue("4096") int queueCapacity,
            @DefaultValue("2") int retryAfterSeconds,
            @DefaultValue("256") int maxConcurrentRequests,
            @DefaultValue("33554432") int maxBufferedBytes,
            @DefaultValue("true") boolean fsync,
            @DefaultValue("low") MappingPriority mappingPriority) {
    }

    /** The thread priority of the mapping behind the log: low answers requests first (docs/decisions.md). */
    public enum MappingPriority {
        LOW,
        NORMAL
    }
}
