package io.fmebridge.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fmebridge.api.RequestRejectedException;

/**
 * Reads the impression bodies of contract 5.1: the FME SDK bulk format and FME's impressions
 * webhook format. A malformed body is refused whole with a 400 that names the problem, since
 * the SDK would send it again unchanged.
 */
public final class ImpressionParser {
    private static final int MAX_KEY_LENGTH = 250;
    private final ObjectMapper json;

    public ImpressionParser(ObjectMapper json) {
        this.json = json;
    }

    /** {@code [{"f": flag, "i": [{"k", "t", "m", "c", "r", "b", "pt"}]}]} from {@code /api/testImpressions/bulk}. */
    public List<Impression> sdkBulk(byte[] body, String environmentId) {
        JsonNode root = read(body);
        if (!root.isArray()) {
            throw RequestRejectedException.badRequest("body must be an array of {\"f\": flag, \"i\": [impressions]}");
        }
        List<Impression> impressions = new ArrayList<>();
        for (int f = 0; f < root.size(); f++) {
            JsonNode group = root.get(f);
            String where = "element " + (f + 1);
            String flag = text(group.get("f"), where + ": f (the flag name)", true);
            JsonNode list = group.get("i");
            if (list == null || !list.isArray()) {
                throw RequestRejectedException.badRequest(where + ": i must be an array of impressions");
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode imp = list.get(i);
                String at = where + ", impression " + (i + 1);
                if (!imp.isObject()) {
                    throw RequestRejectedException.badRequest(at + " is not an object");
                }
                impressions.add(new Impression(environmentId, flag, key(imp.get("k"), at + ": k"),
                        text(imp.get("t"), at + ": t (the treatment)", true), time(imp.get("m"), at + ": m"),
                        number(imp.get("c"), at + ": c"), text(imp.get("r"), at + ": r", false),
                        text(imp.get("b"), at + ": b", false)));
            }
        }
        return impressions;
    }

    /** FME's impressions webhook: an array of {@code {key, split, treatment, time, label, splitVersionNumber, ...}}. */
    public List<Impression> webhook(byte[] body, String environmentId) {
        JsonNode root = read(body);
        if (!root.isArray()) {
            throw RequestRejectedException.badRequest("body must be an array of impressions");
        }
        List<Impression> impressions = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode imp = root.get(i);
            String at = "impression " + (i + 1);
            if (!imp.isObject()) {
                throw RequestRejectedException.badRequest(at + " is not an object");
            }
            impressions.add(new Impression(environmentId, text(imp.get("split"), at + ": split", true),
                    key(imp.get("key"), at + ": key"), text(imp.get("treatment"), at + ": treatment", true),
                    time(imp.get("time"), at + ": time"), number(imp.get("splitVersionNumber"), at + ": splitVersionNumber"),
                    text(imp.get("label"), at + ": label", false), text(imp.get("bucketingKey"), at + ": bucketingKey", false)));
        }
        return impressions;
    }

    /** {@code /api/testImpressions/count}: {@code {"pf": [{"f": flag, "m": hourMillis, "rc": count}]}}. */
    public List<ImpressionCount> counts(byte[] body) {
        JsonNode root = read(body);
        JsonNode list = root.isObject() ? root.get("pf") : root;
        if (list == null || !list.isArray()) {
            throw RequestRejectedException.badRequest("body must be {\"pf\": [{\"f\": flag, \"m\": time, \"rc\": count}]}");
        }
        List<ImpressionCount> counts = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            String at = "count " + (i + 1);
            if (!c.isObject()) {
                throw RequestRejectedException.badRequest(at + " is not an object");
            }
            Long rc = number(c.get("rc"), at + ": rc");
            counts.add(new ImpressionCount(text(c.get("f"), at + ": f", true), time(c.get("m"), at + ": m"), rc == null ? 0 : rc));
        }
        return counts;
    }

    /** How often a flag was evaluated in a time slot, as FME SDKs report in OPTIMIZED mode. */
    public record ImpressionCount(String flag, long time, long count) {
    }

    private JsonNode read(byte[] body) {
        if (body == null || body.length == 0) {
            throw RequestRejectedException.badRequest("body is empty");
        }
        try {
            JsonNode root = json.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw RequestRejectedException.badRequest("body is empty");
            }
            return root;
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw RequestRejectedException.badRequest("body is not valid JSON" + at);
        } catch (IOException e) {
            throw RequestRejectedException.badRequest("body could not be read");
        } catch (NumberFormatException e) {
            throw RequestRejectedException.badRequest("body has a number that can't be read");
        }
    }

    private static String text(JsonNode node, String what, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                throw RequestRejectedException.badRequest(what + " is missing");
            }
            return null;
        }
        if (!node.isValueNode()) {
            throw RequestRejectedException.badRequest(what + " must be a string");
        }
        String text = node.asText();
        if (required && text.isEmpty()) {
            throw RequestRejectedException.badRequest(what + " is empty");
        }
        return text;
    }

    private static String key(JsonNode node, String what) {
        String key = text(node, what, true);
        if (key.length() > MAX_KEY_LENGTH) {
            throw RequestRejectedException.badRequest(what + " is over " + MAX_KEY_LENGTH + " characters");
        }
        return key;
    }

    private static long time(JsonNode node, String what) {
        Long time = number(node, what);
        if (time == null) {
            throw RequestRejectedException.badRequest(what + " (the time in milliseconds) is missing");
        }
        return time;
    }

    private static Long number(JsonNode node, String what) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.canConvertToLong() && node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isTextual() && node.asText().matches("-?\\d{1,18}")) {
            return Long.parseLong(node.asText());
        }
        throw RequestRejectedException.badRequest(what + " must be a whole number");
    }
}
