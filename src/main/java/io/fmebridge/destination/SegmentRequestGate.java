package io.fmebridge.destination;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.fmebridge.api.RequestRejectedException;
import io.fmebridge.queue.LogEntry;
import io.fmebridge.settings.Destination;
import io.fmebridge.settings.Environment;
import io.fmebridge.settings.IntegrationSettings;
import io.fmebridge.settings.SettingsRegistry;

/**
 * The way into the destination side: finds the destination a request is for, checks its
 * credential (and signature), and reads its messages. Answers 404, 401 or 400 as contract 3.3 says.
 */
public final class SegmentRequestGate {
    static final String WEBHOOK = "webhook";
    private static final Set<String> TYPED_PATHS = Set.of("track", "identify", "page", "screen", "group", "alias");

    private final SettingsRegistry settings;
    private final SegmentRequestParser parser;
    private final JsonFactory jsonFactory;

    public SegmentRequestGate(SettingsRegistry settings, SegmentRequestParser parser, JsonFactory jsonFactory) {
        this.settings = settings;
        this.parser = parser;
        this.jsonFactory = jsonFactory;
    }

    /** A request that passed the gate: its destination and its messages. */
    public record IngestRequest(IngestContext context, java.util.List<SegmentMessage> messages) {
        public String destinationId() {
            return context.destination().id();
        }
    }

    /** {@code POST /api/segment/webhook/{destinationId}} (contract 3.1). */
    public LogEntry webhook(String destinationId, String authorization, String signature, byte[] body) {
        IntegrationSettings current = settings.current();
        Destination destination = current.destination(destinationId)
                .orElseThrow(() -> RequestRejectedException.notFound("unknown destination '" + printable(destinationId) + "'"));
        String secret = Credentials.fromAuthorization(authorization);
        if (secret == null) {
            throw RequestRejectedException.unauthorized(
                    "missing credential: send the webhook secret in the Authorization header");
        }
        if (!Credentials.matchesHash(secret, destination.webhookSecretHash())) {
            throw RequestRejectedException.unauthorized("wrong credential for destination '" + destination.id() + "'");
        }
        if (destination.signingSecret() != null) {
            checkSignature(signature, destination.signingSecret(), body == null ? new byte[0] : body);
        }
        parser.check(body);
        return LogEntry.accepted(LogEntry.SEGMENT, destination.id(), WEBHOOK, body);
    }

    /** {@code POST /v1/{type}} (contract 3.2); the API key selects the destination. */
    public LogEntry segmentApi(String pathType, String authorization, byte[] body) {
        IntegrationSettings current = settings.current();
        String type = pathType == null ? "" : pathType.toLowerCase(Locale.ROOT);
        String presented = Credentials.fromAuthorization(authorization);
        Destination destination = presented == null ? null : current.destinationByApiKey(presented).orElse(null);
        if (presented != null && destination == null) {
            throw RequestRejectedException.unauthorized("wrong API key");
        }
        String writeKey = parser.check(body);
        if (destination == null) {
            if (writeKey == null) {
                throw RequestRejectedException.unauthorized(
                        "missing credential: send Authorization: Basic base64(<apiKey>:) or writeKey in the body");
            }
            destination = current.destinationByApiKey(writeKey)
                    .orElseThrow(() -> RequestRejectedException.unauthorized("wrong API key"));
        }
        return LogEntry.accepted(LogEntry.SEGMENT, destination.id(), TYPED_PATHS.contains(type) ? type : null, body);
    }

    /**
     * An accepted request read back from the log, behind its answer: its messages as {@link #webhook}
     * or {@link #segmentApi} would have read them, with the destination as the settings have it now.
     * Empty when the destination no longer exists. A body that the door's check let through but the
     * full read refuses (a number too large to read, say) becomes one {@code invalid_message} drop.
     */
    public java.util.Optional<IngestRequest> reread(LogEntry entry, IntegrationSettings current) {
        Destination destination = current.destination(entry.target()).orElse(null);
        Environment env = destination == null ? null : current.environment(destination.environment()).orElse(null);
        if (env == null) {
            return java.util.Optional.empty();
        }
        IngestContext context = new IngestContext(destination, env, entry.receivedAt());
        java.util.List<SegmentMessage> messages;
        try {
            messages = parser.parse(entry.body(), entry.kind() != null && TYPED_PATHS.contains(entry.kind()) ? entry.kind() : null)
                    .messages();
        } catch (RequestRejectedException e) {
            messages = java.util.List.of(SegmentMessage.refused(1, entry.body().length, null, DropReason.INVALID_MESSAGE,
                    "the request could not be read: " + e.getMessage()));
        }
        return java.util.Optional.of(new IngestRequest(context, messages));
    }

    /**
     * X-Signature is the hex HMAC-SHA1 of the raw body; for an array body, the HMAC of its first
     * message's text is accepted too, since that is what Segment signs for batched webhooks.
     */
    private void checkSignature(String signature, String secret, byte[] body) {
        if (signature == null || signature.isBlank()) {
            throw RequestRejectedException.unauthorized("missing X-Signature header; this destination checks signatures");
        }
        if (Credentials.signatureMatches(signature, secret, body, 0, body.length)) {
            return;
        }
        int[] first = firstArrayElement(body);
        if (first != null && Credentials.signatureMatches(signature, secret, body, first[0], first[1])) {
            return;
        }
        throw RequestRejectedException.unauthorized("X-Signature does not match the body");
    }

    /** Offset and length of the first element of a JSON array body, or null. */
    private int[] firstArrayElement(byte[] body) {
        try (JsonParser p = jsonFactory.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY || p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            long start = p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            long end = p.currentLocation().getByteOffset();
            return new int[] {(int) start, (int) (end - start)};
        } catch (IOException e) {
            return null;
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
