package io.fmebridge.source;

import java.util.List;
import java.util.Optional;

import io.fmebridge.api.RequestRejectedException;
import io.fmebridge.destination.Credentials;
import io.fmebridge.settings.Environment;
import io.fmebridge.settings.IntegrationSettings;
import io.fmebridge.settings.SettingsRegistry;
import io.fmebridge.source.ImpressionIntake.ImpressionRequest;
import io.fmebridge.queue.LogEntry;

/**
 * The way into the source side (contract 5.1): the SDK key in {@code Authorization: Bearer}
 * selects the environment; answers 401, 404 or 400 as contract 3.3 says.
 */
public final class ImpressionGate {
    private final SettingsRegistry settings;
    private final ImpressionParser parser;

    public ImpressionGate(SettingsRegistry settings, ImpressionParser parser) {
        this.settings = settings;
        this.parser = parser;
    }

    static final String BULK = "bulk";
    static final String WEBHOOK = "webhook";
    static final String COUNT = "count";

    /** {@code POST /api/testImpressions/bulk}, as FME SDKs send it. */
    public LogEntry sdkBulk(String authorization, byte[] body) {
        Environment env = environment(settings.current(), authorization);
        parser.sdkBulk(body, env.id()); // a malformed body is refused here, before it is kept
        return LogEntry.accepted(LogEntry.IMPRESSIONS, env.id(), BULK, body);
    }

    /** {@code POST /api/impressions/webhook?environment=<env>}, as FME's impressions webhook sends it. */
    public LogEntry webhook(String environmentId, String authorization, byte[] body) {
        IntegrationSettings current = settings.current();
        if (environmentId == null || environmentId.isBlank()) {
            throw RequestRejectedException.badRequest("the environment query parameter is missing: ?environment=<id>");
        }
        // the key first: without one, the answer must not tell which environments exist
        Environment env = environment(current, authorization);
        if (!env.id().equals(environmentId)) {
            throw RequestRejectedException.unauthorized("the SDK key is not one of environment '" + environmentId + "'");
        }
        parser.webhook(body, env.id());
        return LogEntry.accepted(LogEntry.IMPRESSIONS, env.id(), WEBHOOK, body);
    }

    /** {@code POST /api/testImpressions/count}: counts are stored; nothing goes to Segment. */
    public LogEntry counts(String authorization, byte[] body) {
        Environment env = environment(settings.current(), authorization);
        parser.counts(body);
        return LogEntry.accepted(LogEntry.IMPRESSIONS, env.id(), COUNT, body);
    }

    /** An accepted impressions request read back from the log, behind its answer; empty when its environment is gone. */
    public Optional<Reread> reread(LogEntry entry, IntegrationSettings current) {
        Environment env = current.environment(entry.target()).orElse(null);
        if (env == null) {
            return Optional.empty();
        }
        try {
            if (COUNT.equals(entry.kind())) {
                ImpressionWrites writes = ImpressionWrites.of(env.id(), entry.receivedAt());
                writes.counts().addAll(parser.counts(entry.body()));
                return Optional.of(new Reread(null, writes));
            }
            List<Impression> impressions = WEBHOOK.equals(entry.kind()) ? parser.webhook(entry.body(), env.id())
                    : parser.sdkBulk(entry.body(), env.id());
            return Optional.of(new Reread(new ImpressionRequest(env, current.sourcesOf(env.id()), impressions), null));
        } catch (RequestRejectedException e) {
            // checked at the door with the same parser, so only a parser changed since can get here:
            // passed over, said loudly, rather than holding back every entry after it
            org.slf4j.LoggerFactory.getLogger(ImpressionGate.class).error(
                    "Impressions entry {} of environment {} could not be read again ({}); passed over", entry.id(), env.id(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** Impressions to map and gather, or counts to store. */
    public record Reread(ImpressionRequest request, ImpressionWrites counts) {
    }

    private static Environment environment(IntegrationSettings current, String authorization) {
        String key = Credentials.fromAuthorization(authorization);
        if (key == null) {
            throw RequestRejectedException.unauthorized("missing credential: send Authorization: Bearer <sdkKey>");
        }
        return current.environmentBySdkKey(key).orElseThrow(() -> RequestRejectedException.unauthorized("wrong SDK key"));
    }
}
