package io.fmebridge.settings;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JSON merge patch (RFC 7396) on one settings entry: the fields given replace the entry's, a
 * field given as {@code null} is removed (back to its default), nested objects are merged.
 */
public final class MergePatch {
    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private MergePatch() {
    }

    public static JsonNode read(String name, String body) {
        try {
            JsonNode patch = JSON.readTree(body == null ? "" : body);
            if (patch == null || !patch.isObject()) {
                throw new SettingsException(name + ": the body must be a JSON object");
            }
            return patch;
        } catch (JsonProcessingException e) {
            throw new SettingsException(name + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The entry with the patch merged in, read back with the file's checks of shape (unknown fields refused). */
    @SuppressWarnings("unchecked")
    public static <T> T apply(String name, T entry, JsonNode patch) {
        ObjectNode merged = JSON.valueToTree(entry);
        merge(merged, patch);
        return (T) SettingsLoader.readEntry(name, merged.toString(), entry.getClass());
    }

    private static void merge(ObjectNode target, JsonNode patch) {
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                target.remove(field.getKey());
            } else if (value.isObject() && target.get(field.getKey()) instanceof ObjectNode nested) {
                merge(nested, value);
            } else {
                target.set(field.getKey(), value);
            }
        }
    }
}
