package io.fmebridge.source;

import io.fmebridge.api.RequestRejectedException;
import io.fmebridge.destination.Credentials;
import io.fmebridge.settings.Environment;
import io.fmebridge.settings.IntegrationSettings;
import io.fmebridge.settings.SettingsRegistry;
import io.fmebridge.source.ImpressionIntake.ImpressionRequest;
import io.fmebridge.source.ImpressionWrites;
import io.fmebridge.store.WriteSet;

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

    /** {@code POST /api/testImpressions/bulk}, as FME SDKs send it. */
    public ImpressionRequest sdkBulk(String authorization, byte[] body) {
        IntegrationSettings current = settings.current();
        Environment env = environment(current, authorization);
        return new ImpressionRequest(env, current.sourcesOf(env.id()), parser.sdkBulk(body, env.id()));
    }

    /** {@code POST /api/impressions/webhook?environment=<env>}, as FME's impressions webhook sends it. */
    public ImpressionRequest webhook(String environmentId, String authorization, byte[] body) {
        IntegrationSettings current = settings.current();
        if (environmentId == null || environmentId.isBlank()) {
            throw RequestRejectedException.badRequest("the environment query parameter is missing: ?environment=<id>");
        }
        // the key first: without one, the answer must not tell which environments exist
        Environment env = environment(current, authorization);
        if (!env.id().equals(environmentId)) {
            throw RequestRejectedException.unauthorized("the SDK key is not one of environment '" + environmentId + "'");
        }
        return new ImpressionRequest(env, current.sourcesOf(env.id()), parser.webhook(body, env.id()));
    }

    /** {@code POST /api/testImpressions/count}: counts are stored; nothing goes to Segment. */
    public WriteSet counts(String authorization, byte[] body) {
        Environment env = environment(settings.current(), authorization);
        ImpressionWrites writes = ImpressionWrites.of(env.id(), System.currentTimeMillis());
        writes.counts().addAll(parser.counts(body));
        return WriteSet.of(writes);
    }

    private static Environment environment(IntegrationSettings current, String authorization) {
        String key = Credentials.fromAuthorization(authorization);
        if (key == null) {
            throw RequestRejectedException.unauthorized("missing credential: send Authorization: Bearer <sdkKey>");
        }
        return current.environmentBySdkKey(key).orElseThrow(() -> RequestRejectedException.unauthorized("wrong SDK key"));
    }
}
