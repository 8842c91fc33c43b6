package io.fmebridge.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

import io.fmebridge.api.ErrorAnswer;
import io.fmebridge.api.RequestRejectedException;
import io.fmebridge.store.SeenMessages;
import io.fmebridge.settings.SettingsRegistry;
import io.fmebridge.store.WriteSet;

/**
 * The routes of {@code routes/segment-in.yaml} with the store replaced by a mock: what the
 * content-based router, the idempotent consumer and the splitter hand to the commit.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {
        "fme.integrations-file=src/test/resources/integrations-test.yml",
        "fme.data-dir=target/test-data/routes",
        "fme.admin-token=routes-test-token",
})
@DirtiesContext
class SegmentRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    SettingsRegistry settings;
    @Autowired
    SeenMessages seenMessages;
    @Autowired
    ErrorAnswer errorAnswer;

    MockEndpoint commit;

    @BeforeEach
    void storeIsAMock() throws Exception {
        if (camel.hasEndpoint("mock:commit") == null) {
            AdviceWith.adviceWith(camel, "segment-store-records", route -> route.weaveById("store-commit").replace().to("mock:commit"));
        }
        commit = camel.getEndpoint("mock:commit", MockEndpoint.class);
        commit.reset();
    }

    @Test
    void routerSendsEachTypeToItsMappingAndGathersOneWriteSet() throws Exception {
        NotifyBuilder routed = new NotifyBuilder(camel).fromCurrentRoute("segment-message-router").whenDone(5).create();
        commit.expectedMessageCount(1);

        producer.sendBody("direct:segment-records", poll(
                "{\"type\": \"identify\", \"userId\": \"u1\", \"messageId\": \"r1\", \"traits\": {\"a\": 1}}",
                "{\"type\": \"track\", \"event\": \"bought\", \"userId\": \"u1\", \"messageId\": \"r2\"}",
                "{\"type\": \"page\", \"name\": \"home\", \"userId\": \"u1\", \"messageId\": \"r3\"}",
                "{\"type\": \"group\", \"groupId\": \"g1\", \"messageId\": \"r4\"}",
                "{\"type\": \"alias\", \"userId\": \"u1\", \"previousId\": \"u0\", \"messageId\": \"r5\"}"));

        assertThat(routed.matches(5, TimeUnit.SECONDS)).isTrue();
        commit.assertIsSatisfied();
        WriteSet writeSet = commit.getExchanges().get(0).getIn().getBody(WriteSet.class);
        List<MappingResult> results = writeSet.results();
        assertThat(results).hasSize(5);
        assertThat(results.get(0).identities()).hasSize(1);
        assertThat(results.get(1).events()).extracting(FmeEvent::eventTypeId).containsExactly("bought");
        assertThat(results.get(2).events()).extracting(FmeEvent::eventTypeId).containsExactly("view_home_page");
        assertThat(results.get(3).identities()).extracting(IdentityUpdate::trafficType).containsExactly("account");
        assertThat(results.get(4).drops()).extracting(Drop::reason).containsExactly(DropReason.UNSUPPORTED_TYPE);
    }

    @Test
    void sameMessageIdTwiceInOneRequestIsADuplicate() throws Exception { // contract 3.4, duplicates
        commit.expectedMessageCount(1);
        String message = "{\"type\": \"track\", \"event\": \"twice\", \"userId\": \"u2\", \"messageId\": \"same-id\"}";

        producer.sendBody("direct:segment-records", poll(message, message));

        commit.assertIsSatisfied();
        List<MappingResult> results = commit.getExchanges().get(0).getIn().getBody(WriteSet.class).results();
        assertThat(results.get(0).events()).hasSize(1);
        assertThat(results.get(1).duplicate()).isTrue();
    }

    @Test
    void messageRefusedWhileReadingIsRecordedWithItsReason() throws Exception { // contract 3.5
        commit.expectedMessageCount(1);
        String tooBig = "{\"type\": \"track\", \"event\": \"e\", \"userId\": \"u3\", \"messageId\": \"too-big\", "
                + "\"properties\": {\"text\": \"" + "x".repeat(40_000) + "\"}}";

        producer.sendBody("direct:segment-records", poll(tooBig));

        commit.assertIsSatisfied();
        MappingResult result = commit.getExchanges().get(0).getIn().getBody(WriteSet.class).results().get(0);
        assertThat(result.drops()).extracting(Drop::reason).containsExactly(DropReason.MESSAGE_TOO_LARGE);
    }

    @Test
    void aMessageIdHeldByAnotherRequestIsNeitherStoredNorCalledADuplicate() { // contract 3.3: 503 with Retry-After
        Exchange first = requestExchange();
        Exchange second = requestExchange();
        String key = "web/in-flight-" + java.util.UUID.randomUUID();
        assertThat(seenMessages.add(first, key)).isTrue();
        assertThat(seenMessages.add(first, key)).as("again in the same request: a duplicate").isFalse();

        assertThatThrownBy(() -> seenMessages.add(second, key)).isInstanceOf(RequestRejectedException.class)
                .satisfies(e -> assertThat(((RequestRejectedException) e).status()).isEqualTo(503));
    }

    @Test
    void aFailedRequestLetsGoOfItsMessageIdsSoThatSegmentsRetryIsStored() throws Exception {
        Exchange failed = requestExchange();
        String key = "web/retried-" + java.util.UUID.randomUUID();
        assertThat(seenMessages.add(failed, key)).isTrue();

        failed.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("storage down"));
        errorAnswer.process(failed);

        assertThat(failed.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(503);
        assertThat(failed.getMessage().getHeader("Retry-After")).isNotNull();
        assertThat(seenMessages.add(requestExchange(), key)).as("free again after the failure").isTrue();
    }

    @Test
    void aRequestHandedToTheWriterKeepsItsClaimsUntilWritten() throws Exception { // no double store after a timeout
        Exchange slow = requestExchange();
        String key = "web/slow-" + java.util.UUID.randomUUID();
        assertThat(seenMessages.add(slow, key)).isTrue();
        slow.getProperty(SeenMessages.CLAIMS, SeenMessages.Claims.class).handToWriter();

        slow.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("timed out"));
        errorAnswer.process(slow);

        assertThatThrownBy(() -> seenMessages.add(requestExchange(), key)).isInstanceOf(RequestRejectedException.class);
    }

    @Test
    void aRefusalWrappedByTheSplitterKeepsItsAnswer() throws Exception { // contract 3.3: the error names the problem
        Exchange failed = requestExchange();
        failed.setProperty(Exchange.EXCEPTION_CAUGHT, new org.apache.camel.CamelExchangeException("Multicast processing failed",
                failed, RequestRejectedException.saturated("a message of this request is being stored by another request", 2)));

        errorAnswer.process(failed);

        assertThat(failed.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(503);
        assertThat(failed.getMessage().getHeader("Retry-After")).isEqualTo("2");
        assertThat(failed.getMessage().getBody(String.class)).contains("being stored by another request");
    }

    private Exchange requestExchange() {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(SeenMessages.CLAIMS, seenMessages.newClaims());
        return exchange;
    }

    /** One journal entry of the destination "web" holding the messages as a JSON array, as its consumer hands it over. */
    private io.fmebridge.queue.JournalPoll poll(String... messages) {
        byte[] body = ("[" + String.join(",", messages) + "]").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var entry = new io.fmebridge.queue.LogEntry(1, io.fmebridge.queue.LogEntry.SEGMENT, "web", null, System.currentTimeMillis(), body);
        return new io.fmebridge.queue.JournalPoll(List.of(entry), new io.fmebridge.store.ConsumerPositions.Advance("test", "segment",
                java.util.Map.of(), java.util.Map.of(0, 2L)));
    }
}
