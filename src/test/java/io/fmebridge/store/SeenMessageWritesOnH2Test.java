package io.fmebridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.fmebridge.destination.FmeEvent;
import io.fmebridge.destination.MappingResult;

/**
 * Contract 3.4, duplicates, on the embedded store: the writer inserts a new messageId's row at once
 * and updates the row of one seen before the dedupe window, in the same transaction as its event.
 */
class SeenMessageWritesOnH2Test {
    private DriverManagerDataSource store;
    private JdbcTemplate jdbc;
    private SeenMessages seenMessages;
    private GroupCommitWriter writer;

    @BeforeEach
    void writer() {
        store = TestStores.migratedInMemory("seen-writes");
        jdbc = new JdbcTemplate(store);
        seenMessages = new SeenMessages(jdbc, Duration.ofHours(24), 2);
        writer = new GroupCommitWriter(store, SqlDialect.H2, seenMessages, 64, 2, null,
                written -> { }, timing -> { });
    }

    @AfterEach
    void close() throws InterruptedException {
        writer.close();
    }

    private static MappingResult track(String messageId) {
        long now = System.currentTimeMillis();
        return new MappingResult("web", messageId, List.of(new FmeEvent("prod", "web", "user", "k-" + messageId, "clicked", null,
                now, JsonNodeFactory.instance.objectNode(), messageId, now, "{}")), List.of(), List.of());
    }

    private void commit(MappingResult... results) {
        WriteSet set = new WriteSet();
        for (MappingResult r : results) {
            set.add(r);
        }
        writer.commit(set, null);
    }

    private Map<String, Object> seen(String messageId) {
        return jdbc.queryForMap("SELECT COUNT(*) AS n, MAX(seen_at) AS seen_at FROM seen_message WHERE destination_id = 'web' "
                + "AND message_id = ?", messageId);
    }

    private long events() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM fme_event", Long.class);
    }

    @Test
    void aNewMessageIdGetsItsRowWithItsEvent() {
        long before = System.currentTimeMillis();
        commit(track("m-new"));

        assertThat(((Number) seen("m-new").get("n")).longValue()).isEqualTo(1);
        assertThat(((Number) seen("m-new").get("seen_at")).longValue()).isGreaterThanOrEqualTo(before);
        assertThat(events()).isEqualTo(1);
    }

    @Test
    void aMessageIdSeenBeforeTheWindowHasItsRowRenewedAlongsideNewOnesInOneCommit() {
        jdbc.update("INSERT INTO seen_message (destination_id, message_id, seen_at) VALUES ('web', 'm-old', 0)");
        long before = System.currentTimeMillis();

        commit(track("m-a"), track("m-old"), track("m-b"));

        for (String id : List.of("m-a", "m-old", "m-b")) {
            assertThat(((Number) seen(id).get("n")).longValue()).as(id).isEqualTo(1);
            assertThat(((Number) seen(id).get("seen_at")).longValue()).as(id).isGreaterThanOrEqualTo(before);
        }
        assertThat(events()).as("every event of the commit, the renewed one included").isEqualTo(3);
        assertThat(seenMessages.claimAll(seenMessages.newClaims(), "web", List.of("m-old", "m-a", "m-new")))
                .as("sent again within the window: the renewed and the new ids are duplicates, an unseen one is not")
                .containsExactly(true, true, false);
    }
}
