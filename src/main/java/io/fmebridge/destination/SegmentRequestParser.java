package io.fmebridge.destination;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fmebridge.api.RequestRejectedException;

/**
 * Reads a Segment request body (contract 3.1, 3.2): one message, an array of messages, or a
 * batch envelope {@code {"batch": [...], "context": {...}, "integrations": {...}}}. Streams
 * through the body once, so that each message's own size is known without writing it again.
 */
public final class SegmentRequestParser {
    private final ObjectMapper mapper;
    private final JsonFactory factory;
    private final int maxMessageBytes;
    private final int maxMessages;

    public SegmentRequestParser(ObjectMapper mapper, int maxMessageBytes, int maxMessages) {
        this.mapper = mapper;
        this.factory = mapper.getFactory();
        this.maxMessageBytes = maxMessageBytes;
        this.maxMessages = maxMessages;
    }

    /** The messages of a request and the {@code writeKey} it carried in its body, if any. */
    public record ParsedRequest(List<SegmentMessage> messages, String writeKey) {
    }

    /**
     * @param defaultType the type a message without {@code type} gets (from a typed path such as
     *                    {@code /v1/track}); null where there is none
     * @throws RequestRejectedException 400 with a text that names the problem
     */
    public ParsedRequest parse(byte[] body, String defaultType) {
        if (body == null || body.length == 0 || isBlank(body)) {
            throw RequestRejectedException.badRequest("body is empty; send a Segment message, an array of messages or a batch");
        }
        try (JsonParser parser = factory.createParser(body)) {
            JsonToken first = parser.nextToken();
            ParsedRequest request;
            if (first == JsonToken.START_ARRAY) {
                request = new ParsedRequest(readArray(parser, defaultType), null);
            } else if (first == JsonToken.START_OBJECT) {
                request = readObject(parser, body.length, defaultType);
            } else {
                throw RequestRejectedException.badRequest("body is not a Segment message, an array of messages or a batch");
            }
            if (parser.nextToken() != null) {
                throw RequestRejectedException.badRequest("body has more than one JSON value; send one message, array or batch");
            }
            return request;
        } catch (StreamConstraintsException e) {
            throw RequestRejectedException.badRequest("body is not accepted: " + e.getOriginalMessage());
        } catch (JsonParseException e) {
            throw RequestRejectedException.badRequest("body is not valid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw RequestRejectedException.badRequest("body is not valid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw RequestRejectedException.badRequest("body could not be read: " + e.getMessage());
        } catch (NumberFormatException e) {
            // Jackson reads a number like 1e99999999999 into a BigDecimal and fails outside its own exceptions
            throw RequestRejectedException.badRequest("body has a number too large to read (its exponent or its digits)");
        }
    }

    /**
     * What the door needs of a request before it is appended: the same checks and 400s as
     * {@link #parse}, but streamed through without building the messages (mapping reads the body
     * again behind the answer). Returns the {@code writeKey} the body carries, or null.
     */
    public String check(byte[] body) {
        if (body == null || body.length == 0 || isBlank(body)) {
            throw RequestRejectedException.badRequest("body is empty; send a Segment message, an array of messages or a batch");
        }
        try (JsonParser parser = factory.createParser(body)) {
            JsonToken first = parser.nextToken();
            String writeKey = null;
            if (first == JsonToken.START_ARRAY) {
                skipArray(parser);
            } else if (first == JsonToken.START_OBJECT) {
                boolean batch = false;
                boolean batchNotArray = false;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken valueToken = parser.nextToken();
                    if ("batch".equals(name) && valueToken == JsonToken.START_ARRAY) {
                        if (batch) {
                            throw RequestRejectedException.badRequest("batch appears twice in the body");
                        }
                        batch = true;
                        skipArray(parser);
                    } else {
                        if ("writeKey".equals(name) && valueToken == JsonToken.VALUE_STRING) {
                            writeKey = parser.getText();
                        }
                        batchNotArray |= "batch".equals(name);
                        skipValue(parser);
                    }
                }
                if (!batch && batchNotArray) {
                    throw RequestRejectedException.badRequest("batch must be an array of messages");
                }
                if (!batch && body.length > maxMessageBytes) {
                    throw RequestRejectedException.badRequest("message is over " + maxMessageBytes / 1024 + " KB");
                }
            } else {
                throw RequestRejectedException.badRequest("body is not a Segment message, an array of messages or a batch");
            }
            if (parser.nextToken() != null) {
                throw RequestRejectedException.badRequest("body has more than one JSON value; send one message, array or batch");
            }
            return writeKey;
        } catch (StreamConstraintsException e) {
            throw RequestRejectedException.badRequest("body is not accepted: " + e.getOriginalMessage());
        } catch (JsonParseException e) {
            throw RequestRejectedException.badRequest("body is not valid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw RequestRejectedException.badRequest("body is not valid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw RequestRejectedException.badRequest("body could not be read: " + e.getMessage());
        } catch (NumberFormatException e) {
            throw RequestRejectedException.badRequest("body has a number too large to read (its exponent or its digits)");
        }
    }

    /**
     * Steps over the current value, reading each number as {@link #parse} would: a number it could
     * not read (an exponent beyond range, say) is refused here, at the door, as before.
     */
    private static void skipValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        int depth = token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY ? 1 : 0;
        readNumber(parser, token);
        while (depth > 0) {
            token = parser.nextToken();
            if (token == null) {
                throw RequestRejectedException.badRequest("body ends inside a message");
            }
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                depth++;
            } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                depth--;
            } else {
                readNumber(parser, token);
            }
        }
    }

    private static void readNumber(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            parser.getDecimalValue(); // the mapping reads floats as BigDecimal
        } else if (token == JsonToken.VALUE_NUMBER_INT) {
            parser.getNumberValue();
        }
    }

    private void skipArray(JsonParser parser) throws IOException {
        int count = 0;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw RequestRejectedException.badRequest("body ends inside an array");
            }
            if (++count > maxMessages) {
                throw RequestRejectedException.badRequest("request has more than " + maxMessages + " messages");
            }
            skipValue(parser);
        }
    }

    /** Reads a top-level object: a batch envelope when it has a {@code batch} array, else one message. */
    private ParsedRequest readObject(JsonParser parser, int bodyBytes, String defaultType) throws IOException {
        ObjectNode fields = mapper.createObjectNode();
        List<SegmentMessage> batch = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken valueToken = parser.nextToken();
            if ("batch".equals(name) && valueToken == JsonToken.START_ARRAY) {
                if (batch != null) {
                    throw RequestRejectedException.badRequest("batch appears twice in the body");
                }
                batch = readArray(parser, defaultType);
            } else {
                fields.set(name, mapper.readTree(parser));
            }
        }
        String writeKey = fields.path("writeKey").isTextual() ? fields.get("writeKey").asText() : null;
        if (batch == null) {
            if (fields.has("batch")) {
                throw RequestRejectedException.badRequest("batch must be an array of messages");
            }
            if (bodyBytes > maxMessageBytes) {
                throw RequestRejectedException.badRequest("message is over " + maxMessageBytes / 1024 + " KB");
            }
            fields.remove("writeKey");
            return new ParsedRequest(List.of(message(1, fields, bodyBytes, defaultType)), writeKey);
        }
        // Batch-level context, integrations and sentAt apply to every message that lacks them.
        List<SegmentMessage> merged = new ArrayList<>(batch.size());
        for (SegmentMessage m : batch) {
            if (m.json() != null) {
                mergeInto(m.json(), fields, "context");
                mergeInto(m.json(), fields, "integrations");
                if (!m.json().has("sentAt") && fields.has("sentAt")) {
                    m.json().set("sentAt", fields.get("sentAt"));
                }
                merged.add(SegmentMessage.of(m.ordinal(), m.json(), m.sizeBytes()));
            } else {
                merged.add(m);
            }
        }
        return new ParsedRequest(merged, writeKey);
    }

    private List<SegmentMessage> readArray(JsonParser parser, String defaultType) throws IOException {
        List<SegmentMessage> messages = new ArrayList<>();
        int ordinal = 0;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw RequestRejectedException.badRequest("body ends inside an array");
            }
            ordinal++;
            if (ordinal > maxMessages) {
                throw RequestRejectedException.badRequest("request has more than " + maxMessages + " messages");
            }
            long start = parser.currentTokenLocation().getByteOffset();
            JsonNode node = mapper.readTree(parser);
            int size = (int) (parser.currentLocation().getByteOffset() - start);
            if (!(node instanceof ObjectNode object)) {
                messages.add(SegmentMessage.refused(ordinal, size, null, DropReason.INVALID_MESSAGE,
                        "message " + ordinal + " is not a JSON object"));
            } else if (size > maxMessageBytes) {
                messages.add(SegmentMessage.refused(ordinal, size, SegmentMessage.of(ordinal, object, size).messageId(),
                        DropReason.MESSAGE_TOO_LARGE, "message " + ordinal + " is over " + maxMessageBytes / 1024 + " KB"));
            } else {
                messages.add(message(ordinal, object, size, defaultType));
            }
        }
        return messages;
    }

    private static SegmentMessage message(int ordinal, ObjectNode json, int size, String defaultType) {
        if (defaultType != null && !json.has("type")) {
            json.put("type", defaultType);
        }
        return SegmentMessage.of(ordinal, json, size);
    }

    private static void mergeInto(ObjectNode message, ObjectNode envelope, String field) {
        JsonNode shared = envelope.get(field);
        if (shared == null || shared.isNull()) {
            return;
        }
        JsonNode own = message.get(field);
        if (own == null || own.isNull()) {
            message.set(field, shared); // shared, not copied: nothing changes a message once read
        } else if (own instanceof ObjectNode ownObject && shared.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = shared.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!ownObject.has(e.getKey())) {
                    ownObject.set(e.getKey(), e.getValue());
                }
            }
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
