package io.fmebridge.source;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fmebridge.settings.Destination.Identity;
import io.fmebridge.settings.Environment;
import io.fmebridge.settings.Source;

/**
 * Contract 5.2: an impression becomes, for each source of its environment, a Segment
 * {@code track} named {@code get_treatment}.
 */
public final class ImpressionMapper {
    public static final String EVENT = "get_treatment";

    private final ObjectMapper json;
    private final String productName;
    private final String productVersion;

    public ImpressionMapper(ObjectMapper json, String productName, String productVersion) {
        this.json = json;
        this.productName = productName;
        this.productVersion = productVersion;
    }

    public OutboundMessage toSegment(Impression impression, Environment environment, Source source) {
        String trafficType = environment.flagTrafficTypes().getOrDefault(impression.flag(), environment.defaultTrafficType());
        Identity identity = source.identities().getOrDefault(trafficType, Identity.userId);
        String messageId = messageId(impression, source);

        ObjectNode message = json.createObjectNode();
        message.put("type", "track");
        message.put("event", EVENT);
        message.put(identity.name(), impression.key());
        ObjectNode properties = message.putObject("properties");
        properties.put("split", impression.flag());
        properties.put("treatment", impression.treatment());
        properties.put("label", impression.label());
        if (impression.changeNumber() == null) {
            properties.putNull("changeNumber");
        } else {
            properties.put("changeNumber", impression.changeNumber());
        }
        properties.put("environmentId", environment.id());
        properties.put("environmentName", environment.name());
        properties.put("trafficType", trafficType);
        properties.put("bucketingKey", impression.bucketingKey());
        message.put("timestamp", Instant.ofEpochMilli(impression.time()).toString());
        message.put("messageId", messageId);
        ObjectNode library = message.putObject("context").putObject("library");
        library.put("name", productName);
        library.put("version", productVersion);
        try {
            String text = json.writeValueAsString(message);
            return new OutboundMessage(source.id(), messageId, text, text.getBytes(StandardCharsets.UTF_8).length);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The same for the same impression and source every time it is sent, and different for each
     * source, since Segment drops a messageId it has seen in any workspace.
     */
    static String messageId(Impression i, Source source) {
        String identity = String.join("\u0000", source.id(), i.environmentId(), i.flag(), i.key(), i.treatment(),
                Long.toString(i.time()), String.valueOf(i.changeNumber()), String.valueOf(i.label()), String.valueOf(i.bucketingKey()));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return "fme-" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
