package io.fmebridge.settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** Reads {@code integrations.yml} and checks it; any problem names the file, the entry and the problem. */
public final class SettingsLoader {
    // on, off, yes and no are words here (as in YAML 1.2), not booleans: "off" is FME's usual control treatment
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(com.fasterxml.jackson.dataformat.yaml.YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private SettingsLoader() {
    }

    public static IntegrationSettings load(Path file) {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new SettingsException(name + ": file not found (set fme.integrations-file to its path)");
        }
        try {
            return parse(name, Files.readString(file));
        } catch (IOException e) {
            throw new SettingsException(name + ": cannot be read: " + e.getMessage(), e);
        }
    }

    public static IntegrationSettings parse(String name, String yaml) {
        return new SettingsValidator(name).validate(read(name, yaml));
    }

    /** The document as written, before any check but its shape: unknown fields and wrong types are refused. */
    public static IntegrationsFile read(String name, String yaml) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw new SettingsException(name + ": not valid YAML" + at + ": " + e.getOriginalMessage(), e);
        }
        IntegrationsFile raw;
        try {
            raw = tree == null || tree.isMissingNode() || tree.isNull() ? null : YAML.treeToValue(tree, IntegrationsFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new SettingsException(name + ": " + where(e, tree) + ": unknown setting '" + e.getPropertyName()
                    + "'; known: " + e.getKnownPropertyIds(), e);
        } catch (JsonMappingException e) {
            throw new SettingsException(name + ": " + where(e, tree) + ": " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new SettingsException(name + ": " + e.getOriginalMessage(), e);
        }
        return raw == null ? new IntegrationsFile(null, null, null, null) : raw;
    }

    /** One entry of the document (a destination, say) given alone, in JSON or YAML, checked for its shape. */
    public static <T> T readEntry(String name, String text, Class<T> type) {
        JsonNode tree;
        try {
            tree = YAML.readTree(text == null ? "" : text);
        } catch (JsonProcessingException e) {
            throw new SettingsException(name + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new SettingsException(name + ": the body must be a JSON object");
        }
        try {
            return YAML.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            throw new SettingsException(name + ": unknown setting '" + e.getPropertyName() + "'; known: " + e.getKnownPropertyIds(), e);
        } catch (JsonMappingException e) {
            String field = e.getPath().isEmpty() ? "" : e.getPath().get(0).getFieldName() + ": ";
            throw new SettingsException(name + ": " + field + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new SettingsException(name + ": " + e.getOriginalMessage(), e);
        }
    }

    /** "destinations[0] 'prod-web'": the entry, named by its place and its id, as the validator does. */
    private static String where(JsonMappingException e, JsonNode tree) {
        StringBuilder path = new StringBuilder();
        JsonNode node = tree;
        boolean named = false;
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
                node = node == null ? null : node.path(ref.getIndex());
                if (!named && node != null && node.path("id").isTextual()) {
                    path.append(" '").append(node.get("id").asText()).append('\'');
                    named = true;
                }
            } else {
                if (!path.isEmpty()) {
                    path.append(named ? ": " : ".");
                }
                path.append(ref.getFieldName());
                node = node == null ? null : node.path(ref.getFieldName());
            }
        }
        return path.isEmpty() ? "top level" : path.toString();
    }
}
