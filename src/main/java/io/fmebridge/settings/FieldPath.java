package io.fmebridge.settings;

import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

/**
 * Where a field is found in a Segment message: a dotted path ({@code properties.revenue}) or a
 * JSONPath starting with {@code $} ({@code $.properties['order total']}). Compiled once, when
 * the settings are read.
 */
public final class FieldPath {
    private static final Pattern DOTTED = Pattern.compile("[^.\\s$][^.]*(\\.[^.]+)*");
    private static final Configuration JSON_PATH_CONFIG = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .options(Option.SUPPRESS_EXCEPTIONS)
            .build();

    private final String text;
    private final String[] segments;
    private final JsonPath jsonPath;

    private FieldPath(String text, String[] segments, JsonPath jsonPath) {
        this.text = text;
        this.segments = segments;
        this.jsonPath = jsonPath;
    }

    /** @throws IllegalArgumentException with the reason when the text is not a usable path */
    public static FieldPath parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("path is empty");
        }
        String trimmed = text.trim();
        if (trimmed.startsWith("$")) {
            if (trimmed.contains("()")) {
                throw new IllegalArgumentException("'" + trimmed + "' calls a JSONPath function; name a field instead");
            }
            if (!balanced(trimmed)) {
                throw new IllegalArgumentException("'" + trimmed + "' is not a valid JSONPath: brackets or quotes are not closed");
            }
            try {
                JsonPath compiled = JsonPath.compile(trimmed);
                if (!compiled.isDefinite()) {
                    throw new IllegalArgumentException("JSONPath '" + trimmed + "' may select several values; it must name one field");
                }
                return new FieldPath(trimmed, null, compiled);
            } catch (RuntimeException e) {
                if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("JSONPath")) {
                    throw iae;
                }
                throw new IllegalArgumentException("'" + trimmed + "' is not a valid JSONPath: " + e.getMessage());
            }
        }
        if (!DOTTED.matcher(trimmed).matches()) {
            throw new IllegalArgumentException("'" + trimmed + "' is not a dotted path such as properties.revenue");
        }
        return new FieldPath(trimmed, trimmed.split("\\."), null);
    }

    private static boolean balanced(String path) {
        int depth = 0;
        char quote = 0;
        for (char c : path.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '[') {
                depth++;
            } else if (c == ']' && --depth < 0) {
                return false;
            }
        }
        return depth == 0 && quote == 0;
    }

    /** The value at this path, or a missing node. */
    public JsonNode read(JsonNode message) {
        if (segments != null) {
            JsonNode node = message;
            for (String segment : segments) {
                node = node.path(segment);
                if (node.isMissingNode()) {
                    return node;
                }
            }
            return node;
        }
        Object found = jsonPath.read(message, JSON_PATH_CONFIG);
        return found instanceof JsonNode node ? node : MissingNode.getInstance();
    }

    @Override
    public String toString() {
        return text;
    }
}
