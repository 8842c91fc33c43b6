package io.fmebridge.destination;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.fmebridge.settings.Destination;
import io.fmebridge.settings.Environment;

/**
 * The rules of contract 3.4: what a Segment message becomes in FME. One public method per
 * Segment type; the route's content-based router picks which. Never throws for bad input:
 * every refusal is a {@link Drop} with its reason.
 */
public final class SegmentMessageMapper {
    public static final Pattern EVENT_TYPE_ID = Pattern.compile("^[a-zA-Z0-9][-_.:a-zA-Z0-9]{0,79}$");
    public static final int MAX_KEY_LENGTH = 250;
    public static final int MAX_ATTRIBUTE_LENGTH = 255;
    public static final int MAX_PROPERTIES = 300;
    public static final int MAX_PROPERTIES_BYTES = 32 * 1024;
    public static final int MAX_MESSAGE_ID_LENGTH = 200;

    private final ObjectMapper json;

    public SegmentMessageMapper(ObjectMapper json) {
        this.json = json;
    }

    // ---- one method per Segment type ----------------------------------------------------

    public MappingResult identify(SegmentMessage m, IngestContext ctx) {
        Result r = new Result(m, ctx);
        if (!r.valid()) {
            return r.done();
        }
        if (!ctx.destination().identify()) {
            return r.drop(DropReason.IDENTIFY_DISABLED, "identify is switched off for this destination");
        }
        Identity who = identity(m.json(), ctx, r);
        if (who == null) {
            return r.done();
        }
        r.identities.add(new IdentityUpdate(ctx.environment().id(), who.trafficType(), who.key(),
                attributes(m.json().path("traits"), null, r), ctx.receivedAt()));
        return r.done();
    }

    public MappingResult track(SegmentMessage m, IngestContext ctx) {
        Result r = new Result(m, ctx);
        if (!r.valid()) {
            return r.done();
        }
        if (!ctx.destination().track()) {
            return r.drop(DropReason.TRACK_DISABLED, "track is switched off for this destination");
        }
        JsonNode raw = ctx.destination().eventTypeIdField().read(m.json());
        if (raw.isMissingNode() || raw.isNull() || (raw.isTextual() && raw.asText().isBlank())) {
            return r.drop(DropReason.MISSING_EVENT_TYPE_ID,
                    "no event type id at '" + ctx.destination().eventTypeIdField() + "'");
        }
        if (!raw.isValueNode()) {
            return r.drop(DropReason.INVALID_EVENT_TYPE_ID,
                    "the value at '" + ctx.destination().eventTypeIdField() + "' is not a string");
        }
        return events(m, ctx, r, raw.asText());
    }

    public MappingResult page(SegmentMessage m, IngestContext ctx) {
        return namedView(m, ctx, ctx.destination().namedPages(), ctx.destination().pageEventTemplate(),
                DropReason.PAGE_DISABLED, DropReason.UNNAMED_PAGE, "page");
    }

    public MappingResult screen(SegmentMessage m, IngestContext ctx) {
        return namedView(m, ctx, ctx.destination().namedScreens(), ctx.destination().screenEventTemplate(),
                DropReason.SCREEN_DISABLED, DropReason.UNNAMED_SCREEN, "screen");
    }

    /**
     * {@code traits.split} names the identities to update ({@code {"account": "a-1"}}); every other
     * trait becomes their attribute. Without it, {@code groupTrafficType} makes the groupId the key.
     * A group call identifies, so it follows the destination's identify switch.
     */
    public MappingResult group(SegmentMessage m, IngestContext ctx) {
        Result r = new Result(m, ctx);
        if (!r.valid()) {
            return r.done();
        }
        if (!ctx.destination().identify()) {
            return r.drop(DropReason.IDENTIFY_DISABLED, "identify is switched off for this destination, and a group call identifies");
        }
        JsonNode traits = m.json().path("traits");
        JsonNode split = traits.path("split");
        List<Identity> targets = new ArrayList<>();
        if (!split.isMissingNode() && !split.isNull()) {
            targets.addAll(groupKeys(split, ctx, r, "traits.split"));
            if (targets.isEmpty()) {
                if (r.drops.isEmpty()) {
                    r.drop(DropReason.MISSING_IDENTITY, "traits.split names no traffic type and key");
                }
                return r.done();
            }
        } else if (ctx.destination().groupTrafficType() != null) {
            String key = key(m.json().get("groupId"), "groupId", r);
            if (key == null) {
                if (r.drops.isEmpty()) {
                    r.drop(DropReason.MISSING_IDENTITY, "group call has no groupId");
                }
                return r.done();
            }
            targets.add(new Identity(ctx.destination().groupTrafficType(), key));
        } else {
            return r.drop(DropReason.MISSING_IDENTITY,
                    "group call has no traits.split, and the destination sets no groupTrafficType");
        }
        Map<String, JsonNode> attributes = attributes(traits, "split", r);
        for (Identity target : targets) {
            r.identities.add(new IdentityUpdate(ctx.environment().id(), target.trafficType(), target.key(),
                    attributes, ctx.receivedAt()));
        }
        return r.done();
    }

    /** Alias and any type FME has no use for. */
    public MappingResult unsupported(SegmentMessage m, IngestContext ctx) {
        Result r = new Result(m, ctx);
        if (!r.valid()) {
            return r.done();
        }
        if (m.type() == null) {
            return r.drop(DropReason.INVALID_MESSAGE, "message " + m.ordinal() + " has no type");
        }
        return r.drop(DropReason.UNSUPPORTED_TYPE, "type '" + m.type() + "' is not mapped to FME");
    }

    /** A message refused while the request was read (not an object, over 32 KB). */
    public MappingResult refused(SegmentMessage m, IngestContext ctx) {
        return new Result(m, ctx).drop(m.problem(), m.problemDetail());
    }

    /** A message whose mapping failed unexpectedly: recorded, so that the rest of the request goes on. */
    public MappingResult failed(SegmentMessage m, IngestContext ctx, Throwable failure) {
        return new Result(m, ctx).drop(DropReason.INVALID_MESSAGE, "message " + m.ordinal() + " could not be read ("
                + failure.getClass().getSimpleName() + ")");
    }

    /** A messageId this destination has already taken in within the dedupe window. */
    public MappingResult duplicate(SegmentMessage m, IngestContext ctx) {
        return new Result(m, ctx).drop(DropReason.DUPLICATE, MappingResult.DUPLICATE_DETAIL);
    }

    // ---- shared rules -------------------------------------------------------------------

    private MappingResult namedView(SegmentMessage m, IngestContext ctx, boolean enabled, String template,
                                    DropReason disabled, DropReason unnamed, String kind) {
        Result r = new Result(m, ctx);
        if (!r.valid()) {
            return r.done();
        }
        if (!enabled) {
            return r.drop(disabled, "named " + kind + "s are switched off for this destination");
        }
        JsonNode name = m.json().path("name");
        if (!name.isValueNode() || name.isNull() || name.asText().isBlank()) {
            name = m.json().path("properties").path("name");
        }
        if (!name.isValueNode() || name.isNull() || name.asText().isBlank()) {
            return r.drop(unnamed, kind + " call has no name");
        }
        return events(m, ctx, r, template.replace("{name}", name.asText()));
    }

    /** The events of a track, page or screen: one for the message's identity, one per event-level group. */
    private MappingResult events(SegmentMessage m, IngestContext ctx, Result r, String rawEventTypeId) {
        String eventTypeId = rawEventTypeId.replace(' ', '_');
        if (!EVENT_TYPE_ID.matcher(eventTypeId).matches()) {
            return r.drop(DropReason.INVALID_EVENT_TYPE_ID, "event type id '" + abbreviate(eventTypeId)
                    + "' does not match " + EVENT_TYPE_ID.pattern());
        }
        Identity who = identity(m.json(), ctx, r);
        if (who == null) {
            return r.done();
        }
        JsonNode properties = m.json().path("properties");
        ObjectNode flat = JsonNodeFactory.instance.objectNode();
        if (properties.isObject()) {
            flatten("", properties, flat, true);
        } else if (!properties.isMissingNode() && !properties.isNull()) {
            r.drop(DropReason.INVALID_MESSAGE, "properties is a " + properties.getNodeType().name().toLowerCase(Locale.ROOT)
                    + ", not an object; the event is stored without properties");
        }
        if (flat.size() > MAX_PROPERTIES) {
            return r.drop(DropReason.PROPERTIES_TOO_LARGE, "event has " + flat.size() + " properties; the limit is " + MAX_PROPERTIES);
        }
        String propertiesJson = write(flat);
        int bytes = utf8Length(propertiesJson);
        if (bytes > MAX_PROPERTIES_BYTES) {
            return r.drop(DropReason.PROPERTIES_TOO_LARGE, "properties are " + bytes + " bytes; the limit is " + MAX_PROPERTIES_BYTES);
        }
        Double value = value(m.json(), ctx);
        long time = eventTime(m.json(), ctx.receivedAt());
        List<Identity> keys = new ArrayList<>();
        keys.add(who);
        JsonNode split = properties.path("split");
        if (!split.isMissingNode() && !split.isNull()) {
            keys.addAll(groupKeys(split, ctx, r, "properties.split"));
        }
        for (Identity k : keys) {
            r.events.add(new FmeEvent(ctx.environment().id(), ctx.destination().id(), k.trafficType(), k.key(),
                    eventTypeId, value, time, flat, m.messageId(), ctx.receivedAt(), propertiesJson));
        }
        return r.done();
    }

    private record Identity(String trafficType, String key) {
    }

    /** The message's key and traffic type: the destination's identity field, else the anonymous fallback. */
    private Identity identity(ObjectNode message, IngestContext ctx, Result r) {
        Destination d = ctx.destination();
        String field = d.identity().name();
        JsonNode primary = message.get(field);
        if (present(primary)) {
            String key = key(primary, field, r);
            return key == null ? null : new Identity(d.trafficType(), key);
        }
        JsonNode anonymous = message.get("anonymousId");
        if (d.anonymousTrafficType() != null && present(anonymous)) {
            String key = key(anonymous, "anonymousId", r);
            return key == null ? null : new Identity(d.anonymousTrafficType(), key);
        }
        r.drop(DropReason.MISSING_IDENTITY, "message has no " + field
                + (d.anonymousTrafficType() != null && !field.equals("anonymousId") ? " and no anonymousId" : ""));
        return null;
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !(node.isTextual() && node.asText().isEmpty());
    }

    /** A key: a string of 1 to 250 characters; a number becomes its string. Null after recording a drop. */
    private static String key(JsonNode node, String field, Result r) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        String key;
        if (node.isTextual()) {
            key = node.asText();
        } else if (node.isNumber()) {
            java.math.BigDecimal number = node.decimalValue().stripTrailingZeros();
            // refuse before writing it out: 1e999999999 would be a string of a billion digits
            if (number.precision() - number.scale() > MAX_KEY_LENGTH || number.scale() > MAX_KEY_LENGTH) {
                r.drop(DropReason.INVALID_KEY, field + " is a number too long to be a key of at most " + MAX_KEY_LENGTH + " characters");
                return null;
            }
            key = number.toPlainString();
        } else {
            r.drop(DropReason.INVALID_KEY, field + " is a " + node.getNodeType().name().toLowerCase(Locale.ROOT) + ", not a string");
            return null;
        }
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            r.drop(DropReason.INVALID_KEY, field + " is " + key.length() + " characters; a key has 1 to " + MAX_KEY_LENGTH);
            return null;
        }
        return key;
    }

    /** The {@code {"<trafficType>": "<key>"}} pairs of a split object or array of objects. */
    private List<Identity> groupKeys(JsonNode split, IngestContext ctx, Result r, String where) {
        List<Identity> found = new ArrayList<>();
        List<JsonNode> objects = new ArrayList<>();
        if (split.isArray()) {
            split.forEach(objects::add);
        } else {
            objects.add(split);
        }
        Environment env = ctx.environment();
        for (JsonNode object : objects) {
            if (!object.isObject()) {
                r.drop(DropReason.INVALID_MESSAGE, where + " holds a " + object.getNodeType().name().toLowerCase(Locale.ROOT)
                        + "; it takes {\"<trafficType>\": \"<key>\"} objects");
                continue;
            }
            Iterator<Map.Entry<String, JsonNode>> it = object.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> pair = it.next();
                String trafficType = pair.getKey().trim().toLowerCase(Locale.ROOT);
                if (!env.hasTrafficType(trafficType)) {
                    r.drop(DropReason.UNKNOWN_TRAFFIC_TYPE, where + " names traffic type '" + abbreviate(pair.getKey())
                            + "', which environment '" + env.id() + "' does not have");
                    continue;
                }
                if (pair.getValue() == null || pair.getValue().isNull()) {
                    r.drop(DropReason.INVALID_KEY, where + "." + abbreviate(pair.getKey()) + " has no key");
                    continue;
                }
                String key = key(pair.getValue(), where + "." + pair.getKey(), r);
                if (key != null) {
                    found.add(new Identity(trafficType, key));
                }
            }
        }
        return found;
    }

    /** Traits as attributes: scalars keep their type, objects and arrays become their JSON text. */
    private Map<String, JsonNode> attributes(JsonNode traits, String skip, Result r) {
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        if (!traits.isObject()) {
            if (!traits.isMissingNode() && !traits.isNull()) {
                r.drop(DropReason.INVALID_MESSAGE, "traits is a " + traits.getNodeType().name().toLowerCase(Locale.ROOT)
                        + ", not an object; no attribute was stored");
            }
            return attributes;
        }
        Iterator<Map.Entry<String, JsonNode>> it = traits.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> trait = it.next();
            if (trait.getKey().equals(skip)) {
                continue;
            }
            if (trait.getKey().length() > MAX_ATTRIBUTE_LENGTH) {
                r.drop(DropReason.ATTRIBUTE_TOO_LONG, "trait name '" + abbreviate(trait.getKey()) + "' is "
                        + trait.getKey().length() + " characters; the limit is " + MAX_ATTRIBUTE_LENGTH);
                continue;
            }
            JsonNode value = trait.getValue();
            JsonNode stored = value.isContainerNode() ? TextNode.valueOf(value.toString()) : value;
            int length = stored.isTextual() ? stored.asText().length() : stored.toString().length();
            if (length > MAX_ATTRIBUTE_LENGTH) {
                r.drop(DropReason.ATTRIBUTE_TOO_LONG, "trait '" + abbreviate(trait.getKey()) + "' is " + length
                        + " characters; the limit is " + MAX_ATTRIBUTE_LENGTH);
                continue;
            }
            attributes.put(trait.getKey(), stored);
        }
        return attributes;
    }

    /** Nested objects flattened with dots, arrays kept as JSON text; {@code split} left out at the top. */
    private static void flatten(String prefix, JsonNode node, ObjectNode into, boolean top) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> field = it.next();
            if (top && field.getKey().equals("split")) {
                continue;
            }
            String name = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(name + ".", value, into, false);
            } else if (value.isArray()) {
                into.put(name, value.toString());
            } else {
                into.set(name, value);
            }
        }
    }

    /** The number at {@code valueField}; a numeric string counts; anything else is null. */
    private static Double value(ObjectNode message, IngestContext ctx) {
        if (ctx.destination().valueField() == null) {
            return null;
        }
        JsonNode node = ctx.destination().valueField().read(message);
        double v;
        if (node.isNumber()) {
            v = node.doubleValue();
        } else if (node.isTextual()) {
            Double parsed = numeric(node.asText().trim());
            if (parsed == null) {
                return null;
            }
            v = parsed;
        } else {
            return null;
        }
        return Double.isFinite(v) ? v : null;
    }

    /**
     * A decimal number written as text ("12.5", "-3", "1e3"), else null. No regular expression:
     * a long run of digits must cost linear time, not backtracking.
     */
    static Double numeric(String text) {
        if (text.isEmpty() || text.length() > 64) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return null; // also keeps out NaN, Infinity and hex, which Double.parseDouble would take
            }
        }
        try {
            return new java.math.BigDecimal(text).doubleValue();
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /**
     * When the message was sent: {@code timestamp}; else {@code originalTimestamp} corrected for
     * the client's clock skew as Segment does (received - (sentAt - originalTimestamp)); else received.
     */
    static long eventTime(JsonNode message, long receivedAt) {
        Long timestamp = time(message.get("timestamp"));
        if (timestamp != null) {
            return timestamp;
        }
        Long original = time(message.get("originalTimestamp"));
        if (original != null) {
            Long sentAt = time(message.get("sentAt"));
            if (sentAt == null) {
                return original;
            }
            try {
                return Math.subtractExact(receivedAt, Math.subtractExact(sentAt, original));
            } catch (ArithmeticException overflow) {
                return receivedAt;
            }
        }
        return receivedAt;
    }

    private static Long time(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        String text = node.asText().trim();
        long fast = IsoTimes.epochMillis(text);
        if (fast != IsoTimes.NOT_PLAIN) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            try {
                return LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeException | ArithmeticException e2) {
                return null; // not a time, or one no clock can hold
            }
        }
    }

    private String write(ObjectNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }

    /** UTF-8 length without encoding the text again. */
    private static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }

    /** What one message is turning into, and the checks every type shares. */
    private static final class Result {
        private final SegmentMessage message;
        private final IngestContext ctx;
        private final List<FmeEvent> events = new ArrayList<>(1);
        private final List<IdentityUpdate> identities = new ArrayList<>(1);
        private final List<Drop> drops = new ArrayList<>(1);

        Result(SegmentMessage message, IngestContext ctx) {
            this.message = message;
            this.ctx = ctx;
        }

        /** False after recording why, when the message can't be mapped whatever its type. */
        boolean valid() {
            if (message.json() == null) {
                drop(message.problem() == null ? DropReason.INVALID_MESSAGE : message.problem(),
                        message.problemDetail() == null ? "message is not a JSON object" : message.problemDetail());
                return false;
            }
            if (message.messageId() != null && message.messageId().length() > MAX_MESSAGE_ID_LENGTH) {
                drop(DropReason.INVALID_MESSAGE, "messageId is over " + MAX_MESSAGE_ID_LENGTH + " characters");
                return false;
            }
            return true;
        }

        MappingResult drop(DropReason reason, String detail) {
            String messageId = message.messageId() == null || message.messageId().length() > MAX_MESSAGE_ID_LENGTH
                    ? (message.messageId() == null ? null : message.messageId().substring(0, MAX_MESSAGE_ID_LENGTH))
                    : message.messageId();
            drops.add(new Drop(ctx.destination().id(), messageId, reason, detail, ctx.receivedAt()));
            return done();
        }

        MappingResult done() {
            return new MappingResult(ctx.destination().id(), message.messageId(), events, identities, drops);
        }
    }
}
