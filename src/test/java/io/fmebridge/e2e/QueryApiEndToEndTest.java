package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Contract section 4: the query API, behind the admin token. */
class QueryApiEndToEndTest extends RunningServiceTest {

    @Test
    void everyQueryNeedsTheAdminToken() {
        for (String path : new String[] {"/api/environments/test/events", "/api/environments/test/event-types",
                "/api/environments/test/traffic-types/user/identities/x", "/api/destinations/web/stats",
                "/api/destinations/web/dropped"}) {
            assertThat(getWithout(path).status()).as(path).isEqualTo(401);
            assertThat(getWithout(path, "Authorization", "Bearer wrong").status()).as(path).isEqualTo(401);
            assertThat(get(path).status()).as(path).isIn(200, 404);
        }
    }

    @Test
    void eventsAreNewestFirstAndFilteredAndLimited() {
        String user = unique("user");
        for (int i = 0; i < 3; i++) {
            post("/v1/track", "{\"event\": \"step" + i + "\", \"userId\": \"" + user + "\", \"properties\": {\"revenue\": " + i + "}}",
                    "Authorization", basic("web-api-key-1"));
        }

        JsonNode all = eventsOf(user);
        assertThat(all).extracting(e -> e.path("eventTypeId").asText()).containsExactly("step2", "step1", "step0");
        JsonNode limited = get("/api/environments/test/events?key=" + user + "&limit=2").json();
        assertThat(limited).hasSize(2);
        JsonNode byType = get("/api/environments/test/events?key=" + user + "&eventTypeId=step1&trafficType=user").json();
        assertThat(byType).hasSize(1);
        assertThat(get("/api/environments/test/events?limit=abc").status()).isEqualTo(400);
    }

    @Test
    void eventTypesSumAndAverageNonNullValues() {
        String type = unique("metric").replace("-", "");
        String user = unique("user");
        for (String value : new String[] {"10", "20", "\"not a number\""}) {
            post("/v1/track", "{\"event\": \"" + type + "\", \"userId\": \"" + user + "\", \"properties\": {\"revenue\": " + value + "}}",
                    "Authorization", basic("web-api-key-1"));
        }

        JsonNode types = get("/api/environments/test/event-types?trafficType=user").json();
        JsonNode row = null;
        for (JsonNode t : types) {
            if (t.path("eventTypeId").asText().equals(type)) {
                row = t;
            }
        }
        assertThat(row).isNotNull();
        assertThat(row.path("count").asLong()).isEqualTo(3);
        assertThat(row.path("valueCount").asLong()).isEqualTo(2);
        assertThat(row.path("sum").asDouble()).isEqualTo(30.0);
        assertThat(row.path("avg").asDouble()).isEqualTo(15.0);
    }

    @Test
    void unknownIdentityIs404() {
        assertThat(get("/api/environments/test/traffic-types/user/identities/" + unique("nobody")).status()).isEqualTo(404);
    }

    @Test
    void unknownEnvironmentOrDestinationIs404() {
        assertThat(get("/api/environments/nope/events").status()).isEqualTo(404);
        assertThat(get("/api/destinations/nope/stats").status()).isEqualTo(404);
    }
}
