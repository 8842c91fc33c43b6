package io.fmebridge.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fmebridge.api.RequestRejectedException;
import io.fmebridge.destination.SegmentRequestParser.ParsedRequest;

/** The request bodies of contract 3.1 and 3.2, and the 400 answers of 3.3. */
class SegmentRequestParserTest {
    private static final int KB_32 = 32 * 1024;

    private final SegmentRequestParser parser = new SegmentRequestParser(
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS), KB_32, 2500);

    /** A body from JSON written with single quotes, for readability. */
    private static byte[] body(String singleQuotedJson) {
        return singleQuotedJson.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    private ParsedRequest parse(String singleQuotedJson) {
        return parser.parse(body(singleQuotedJson), null);
    }

    private RequestRejectedException rejected(byte[] body) {
        var e = catchThrowableOfType(RequestRejectedException.class, () -> parser.parse(body, null));
        assertThat(e).as("a rejected request").isNotNull();
        assertThat(e.status()).isEqualTo(400);
        return e;
    }

    /** One message of exactly {@code bytes} bytes, padded in its properties. */
    private static String messageOfSize(String messageId, int bytes) {
        String head = "{'type':'track','messageId':'" + messageId + "','userId':'u-1','event':'e','properties':{'pad':'";
        String tail = "'}}";
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }

    // ---- the three body shapes ----------------------------------------------------------

    @Test
    void aBodyMayBeOneMessage() {                                     // contract 3.1, 3.2: one Segment message
        List<SegmentMessage> messages = parse("{'type':'track','messageId':'m-1','userId':'u-1','event':'e'}").messages();
        assertThat(messages).singleElement().satisfies(m -> {
            assertThat(m.ordinal()).isEqualTo(1);
            assertThat(m.type()).isEqualTo("track");
            assertThat(m.messageId()).isEqualTo("m-1");
            assertThat(m.problem()).isNull();
        });
    }

    @Test
    void aBodyMayBeAJsonArrayOfMessages() {                           // contract 3.1: batched webhooks
        List<SegmentMessage> messages = parse("[{'type':'track','messageId':'m-1'},{'type':'identify','messageId':'m-2'}]").messages();
        assertThat(messages).extracting(SegmentMessage::ordinal, SegmentMessage::type, SegmentMessage::messageId)
                .containsExactly(tuple(1, "track", "m-1"),
                        tuple(2, "identify", "m-2"));
    }

    @Test
    void aBodyMayBeABatchEnvelope() {                                 // contract 3.1, 3.2: {"batch": [...]}
        List<SegmentMessage> messages = parse("{'batch':[{'type':'track','messageId':'m-1'},{'type':'page','messageId':'m-2'}]}").messages();
        assertThat(messages).extracting(SegmentMessage::type).containsExactly("track", "page");
    }

    @Test
    void batchContextAndIntegrationsAreMergedIntoEachMessageWhoseOwnKeysWin() { // contract 3.2
        List<SegmentMessage> messages = parse("""
                {'context':{'library':{'name':'batch-lib'},'ip':'1.2.3.4'},'integrations':{'All':false,'FME':true},
                 'batch':[{'type':'track','messageId':'m-1'},
                          {'type':'track','messageId':'m-2','context':{'ip':'9.9.9.9'},'integrations':{'All':true}}]}""").messages();
        var first = messages.get(0).json();
        assertThat(first.at("/context/library/name").asText()).isEqualTo("batch-lib");
        assertThat(first.at("/context/ip").asText()).isEqualTo("1.2.3.4");
        assertThat(first.at("/integrations/FME").asBoolean()).isTrue();
        var second = messages.get(1).json();
        assertThat(second.at("/context/ip").asText()).isEqualTo("9.9.9.9");
        assertThat(second.at("/context/library/name").asText()).isEqualTo("batch-lib");
        assertThat(second.at("/integrations/All").asBoolean()).isTrue();
        assertThat(second.at("/integrations/FME").asBoolean()).isTrue();
    }

    @Test
    void batchSentAtAppliesToMessagesWithoutTheirOwn() {              // Segment's batch API: sentAt is batch-level
        List<SegmentMessage> messages = parse("""
                {'sentAt':'2024-05-01T10:00:00Z',
                 'batch':[{'type':'track'},{'type':'track','sentAt':'2024-05-01T11:00:00Z'}]}""").messages();
        assertThat(messages.get(0).json().get("sentAt").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(messages.get(1).json().get("sentAt").asText()).isEqualTo("2024-05-01T11:00:00Z");
    }

    @Test
    void theWriteKeyIsReadFromTheBody() {                             // contract 3.2: "writeKey": "<apiKey>" in the body
        assertThat(parse("{'writeKey':'api-key-0001','batch':[{'type':'track'}]}").writeKey()).isEqualTo("api-key-0001");
        assertThat(parse("{'writeKey':'api-key-0001','type':'track','event':'e'}").writeKey()).isEqualTo("api-key-0001");
        assertThat(parse("{'type':'track','event':'e'}").writeKey()).isNull();
    }

    @Test
    void aTypedPathGivesTheTypeOfAMessageWithoutOne() {               // contract 3.2: its type comes from the path when absent
        assertThat(parser.parse(body("{'userId':'u-1','event':'e'}"), "track").messages().get(0).type()).isEqualTo("track");
        assertThat(parser.parse(body("{'type':'identify','userId':'u-1'}"), "track").messages().get(0).type()).isEqualTo("identify");
        assertThat(parser.parse(body("[{'userId':'u-1','event':'e'}]"), "track").messages().get(0).type()).isEqualTo("track");
    }

    // ---- 400 answers --------------------------------------------------------------------

    @Test
    void aBodyThatIsNotJsonIsRejectedNamingLineAndColumn() {          // contract 3.3: "body is not valid JSON at line 1, column 17"
        var e = rejected(body("{'type':'track',\n 'event': oops}"));
        assertThat(e.getMessage()).startsWith("body is not valid JSON at line 2, column ");
    }

    @Test
    void aNumberIsNotAMessageArrayOrBatch() {                         // contract 3.3
        assertThat(rejected(body("42")).getMessage()).contains("not a Segment message");
    }

    @Test
    void aStringIsNotAMessageArrayOrBatch() {                         // contract 3.3
        assertThat(rejected(body("'hello'")).getMessage()).contains("not a Segment message");
    }

    @Test
    void aBatchThatIsNotAnArrayIsRejected() {                         // contract 3.3: not a message, array or batch
        assertThat(rejected(body("{'batch':'nope'}")).getMessage()).contains("batch");
    }

    @Test
    void anEmptyBodyIsRejected() {                                    // contract 3.3
        assertThat(rejected(new byte[0]).getMessage()).contains("empty");
        assertThat(rejected(body("  \n")).getMessage()).contains("empty");
    }

    @Test
    void exactly2500MessagesAreAccepted() {                           // contract 3.3: more than 2,500 messages is a 400
        assertThat(parse("[" + "{'type':'track'},".repeat(2499) + "{'type':'track'}]").messages()).hasSize(2500);
    }

    @Test
    void moreThan2500MessagesAreRejected() {                          // contract 3.3
        var e = rejected(body("{'batch':[" + "{'type':'track'},".repeat(2500) + "{'type':'track'}]}"));
        assertThat(e.getMessage()).contains("2500");
    }

    @Test
    void aSingleMessageOf32KbIsAccepted() {                           // contract 3.3: over 32 KB is a 400
        assertThat(parse(messageOfSize("m-1", KB_32)).messages()).hasSize(1);
    }

    @Test
    void aSingleMessageOver32KbIsRejected() {                         // contract 3.3
        var e = rejected(body(messageOfSize("m-1", KB_32 + 1)));
        assertThat(e.getMessage()).contains("over 32 KB");
    }

    @Test
    void aBatchMessageOver32KbIsRefusedAsMessageTooLargeWhileTheOthersParse() { // contract 3.3: one message does not fail the request
        List<SegmentMessage> messages = parse("{'batch':[{'type':'track','messageId':'m-1'},"
                + messageOfSize("m-2", KB_32 + 1) + ",{'type':'track','messageId':'m-3'}]}").messages();
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).problem()).isNull();
        assertThat(messages.get(1).problem()).isEqualTo(DropReason.MESSAGE_TOO_LARGE);
        assertThat(messages.get(1).problemDetail()).isEqualTo("message 2 is over 32 KB");
        assertThat(messages.get(1).messageId()).isEqualTo("m-2");
        assertThat(messages.get(2).problem()).isNull();
        assertThat(messages.get(2).messageId()).isEqualTo("m-3");
    }

    @Test
    void anArrayElementThatIsNotAnObjectIsRefusedAsInvalidMessage() { // contract 3.3, 3.5
        List<SegmentMessage> messages = parse("[{'type':'track'},42,'text',{'type':'identify'}]").messages();
        assertThat(messages).extracting(SegmentMessage::problem)
                .containsExactly(null, DropReason.INVALID_MESSAGE, DropReason.INVALID_MESSAGE, null);
        assertThat(messages.get(1).problemDetail()).contains("message 2");
    }
}
