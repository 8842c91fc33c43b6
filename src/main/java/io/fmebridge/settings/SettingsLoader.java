package io.fmebridge.settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** Reads {@code integrations.yml} and checks it; any problem names the file, the entry and the problem. */
public final class SettingsLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
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
        IntegrationsFile raw;
        try {
            raw = YAML.readValue(yaml, IntegrationsFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new SettingsException(name + ": " + where(e) + ": unknown setting '" + e.getPropertyName()
                    + "'; known: " + e.getKnownPropertyIds(), e);
        } catch (JsonMappingException e) {
            throw new SettingsException(name + ": " + where(e) + ": " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new SettingsException(name + ": not valid YAML at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
        }
        if (raw == null) {
            raw = new IntegrationsFile(null, null, null);
        }
        return new SettingsValidator(name).validate(raw);
    }

    private static String where(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            } else {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            }
        }
        String at = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
        return (path.isEmpty() ? "top level" : path) + at;
    }
}
