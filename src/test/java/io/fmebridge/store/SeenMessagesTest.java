package io.fmebridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Contract 3.4, duplicates: a messageId is remembered per destination for fme.dedupe-window, then forgotten. */
class SeenMessagesTest {
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private JdbcTemplate jdbc;
    private SeenMessages seen;

    @BeforeEach
    void database() {
        jdbc = new JdbcTemplate(new DriverManagerDataSource("jdbc:h2:mem:seen-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", ""));
        jdbc.execute("CREATE TABLE seen_message (destination_id VARCHAR(100) NOT NULL, message_id VARCHAR(200) NOT NULL, "
                + "seen_at BIGINT NOT NULL, journal_entry BIGINT, PRIMARY KEY (destination_id, message_id))");
        seen = new SeenMessages(jdbc, Duration.ofHours(24), 2);
    }

    private Exchange request() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(SeenMessages.CLAIMS, seen.newClaims());
        return exchange;
    }

    private void taken(String destination, String messageId, long agoMillis) {
        jdbc.update("INSERT INTO seen_message (destination_id, message_id, seen_at) VALUES (?, ?, ?)", destination, messageId,
                System.currentTimeMillis() - agoMillis);
    }

    private void takenFromEntry(String destination, String messageId, long journalEntry) {
        jdbc.update("INSERT INTO seen_message (destination_id, message_id, seen_at, journal_entry) VALUES (?, ?, ?, ?)", destination,
                messageId, System.currentTimeMillis() - HOUR, journalEntry);
    }

    @Test
    void aMessageIdWrittenForAnEntryNotYetMarkedMappedIsNotADuplicate() {
        // after a kill, the store may hold part of a transaction cut short: messageIds written for
        // the poll of entries 40 to 49, while the position is still at 40
        takenFromEntry("web", "left-by-the-kill", 49);
        takenFromEntry("web", "mapped-before", 39);
        taken("web", "through-kafka", HOUR);
        io.fmebridge.queue.JournalPoll replay = new io.fmebridge.queue.JournalPoll(java.util.List.of(
                new io.fmebridge.queue.LogEntry(40, io.fmebridge.queue.LogEntry.SEGMENT, "web", null, 0, new byte[0])),
                new ConsumerPositions.Advance("journal:embedded", io.fmebridge.queue.LogEntry.SEGMENT, java.util.Map.of(0, 40L),
                        java.util.Map.of(0, 41L)), true);

        SeenMessages.Claims claims = seen.newClaims(replay);
        assertThat(seen.claimAll(claims, "web", java.util.List.of("left-by-the-kill", "mapped-before", "through-kafka")))
                .containsExactly(false, true, true);
        claims.release();
        assertThat(seen.claimAll(seen.newClaims(), "web", java.util.List.of("left-by-the-kill")))
                .as("outside a journal poll every row counts").containsExactly(true);
    }

    @Test
    void aMessageIdTakenInWithinTheWindowIsADuplicate() {
        taken("web", "m-1", 23 * HOUR);

        assertThat(seen.add(request(), "web/m-1")).isFalse();
    }

    @Test
    void onASharedStoreTheWriterDecidesNotALookUpAheadButARepeatWithinTheInstanceIsStillCaught() {
        SeenMessages shared = new SeenMessages(jdbc, Duration.ofHours(24), 2, false);
        taken("web", "m-9", HOUR);
        SeenMessages.Claims first = shared.newClaims();

        // no query: the writer's insert into seen_message finds it, in the storing transaction
        assertThat(shared.claimAll(first, "web", java.util.List.of("m-9", "m-10", "m-10"))).containsExactly(false, false, true);
        // another request of this instance while the first is being stored: answered 503, as on H2
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> shared.claimAll(shared.newClaims(), "web",
                java.util.List.of("m-10")))).isInstanceOf(io.fmebridge.api.RequestRejectedException.class);
    }

    @Test
    void aMessageIdOlderThanTheWindowIsNew() {
        taken("web", "m-2", 25 * HOUR);

        assertThat(seen.add(request(), "web/m-2")).isTrue();
    }

    @Test
    void theWindowIsPerDestination() {
        taken("web", "m-3", HOUR);

        assertThat(seen.add(request(), "mobile/m-3")).isTrue();
    }

    @Test
    void purgeForgetsOnlyWhatIsOutsideTheWindow() {
        taken("web", "old", 30 * HOUR);
        taken("web", "recent", HOUR);

        assertThat(seen.purge()).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT message_id FROM seen_message", String.class)).containsExactly("recent");
    }
    @Test
    void claimingARequestsMessageIdsAtOnceFindsTheSameDuplicates() { // one look-up per request
        taken("web", "within", 23 * HOUR);
        taken("web", "beyond", 25 * HOUR);
        taken("mobile", "elsewhere", HOUR);
        SeenMessages.Claims claims = seen.newClaims();

        boolean[] duplicate = seen.claimAll(claims, "web",
                java.util.Arrays.asList("within", "beyond", "elsewhere", "new", "new", null));

        assertThat(duplicate).containsExactly(true, false, false, false, true, false);
    }

    @Test
    void aMessageIdHeldByAnotherRequestRefusesTheWholeRequestAndItKeepsNothing() { // contract 3.3: 503
        SeenMessages.Claims first = seen.newClaims();
        seen.claimAll(first, "web", java.util.List.of("held"));
        SeenMessages.Claims second = seen.newClaims();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> seen.claimAll(second, "web", java.util.List.of("free", "held")))
                .isInstanceOf(io.fmebridge.api.RequestRejectedException.class)
                .satisfies(e -> assertThat(((io.fmebridge.api.RequestRejectedException) e).status()).isEqualTo(503));
        assertThat(seen.claimAll(seen.newClaims(), "web", java.util.List.of("free"))).as("not kept by the refused request")
                .containsExactly(false);
    }

    @Test
    void theIdempotentConsumerAnswersFromTheRequestsLookUp() {
        taken("web", "seen-before", Duration.ofHours(1).toMillis());
        SeenMessages.Claims claims = seen.newClaims();
        seen.lookUp(claims, "web", java.util.Arrays.asList("a", "seen-before", "a", null));
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(new org.apache.camel.impl.DefaultCamelContext());
        exchange.setProperty(SeenMessages.CLAIMS, claims);
        jdbc.update("DELETE FROM seen_message"); // answers come from the look-up, not from new queries
        assertThat(seen.add(exchange, "web/a")).as("first time").isTrue();
        assertThat(seen.add(exchange, "web/seen-before")).isFalse();
        assertThat(seen.add(exchange, "web/a")).as("again in the same request").isFalse();
    }
}
