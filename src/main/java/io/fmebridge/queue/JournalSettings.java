package io.fmebridge.queue;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The {@code fme.journal.*} settings, used when {@code fme.queue=journal} (the default). */
@ConfigurationProperties(prefix = "fme.journal")
public record JournalSettings(
        @DefaultValue("1h") Duration retention,
        @DefaultValue("1m") Duration purgePeriod,
        @DefaultValue("5m") Duration maxLag,
        @DefaultValue("64") int pollEntries,
        @DefaultValue("4194304") long pollBytes,
        @DefaultValue("64MB") org.springframework.util.unit.DataSize segmentSize,
        @DefaultValue("1m") Duration readoutDelay) {
}
