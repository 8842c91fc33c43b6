package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.segment.analytics.Analytics;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.ScreenMessage;
import com.segment.analytics.messages.TrackMessage;

/**
 * Contract 3.2: a real Segment library (analytics-java 3.5.4) pointed at the service with the
 * destination's API key works unchanged; what it sends is read back through the query API.
 */
class AnalyticsJavaClientTest extends RunningServiceTest {

    @Test
    void everyCallOfTheLibraryEndsUpInFme() {
        String user = unique("user");
        String account = unique("account");
        Analytics analytics = Analytics.builder("web-api-key-1")
                .endpoint("http://localhost:" + port)
                .flushInterval(1, TimeUnit.SECONDS)
                .build();
        try {
            analytics.enqueue(IdentifyMessage.builder().userId(user).traits(Map.of("plan", "pro", "seats", 12)));
            analytics.enqueue(TrackMessage.builder("Order Completed").userId(user).properties(Map.of("revenue", 42.5)));
            analytics.enqueue(PageMessage.builder("signup").userId(user));
            analytics.enqueue(ScreenMessage.builder("checkout").userId(user));
            analytics.enqueue(GroupMessage.builder(account).userId(user).traits(Map.of("industry", "retail")));
            analytics.flush();
        } finally {
            analytics.shutdown();
        }

        JsonNode events = eventually(() -> eventsOf(user), e -> e.size() >= 3, Duration.ofSeconds(20));
        assertThat(events).extracting(e -> e.path("eventTypeId").asText())
                .containsExactlyInAnyOrder("Order_Completed", "view_signup_page", "view_checkout_screen");
        JsonNode order = java.util.stream.StreamSupport.stream(events.spliterator(), false)
                .filter(e -> e.path("eventTypeId").asText().equals("Order_Completed")).findFirst().orElseThrow();
        assertThat(order.path("value").asDouble()).isEqualTo(42.5);
        assertThat(order.path("trafficType").asText()).isEqualTo("user");

        JsonNode identity = get("/api/environments/test/traffic-types/user/identities/" + user).json();
        assertThat(identity.path("attributes").path("plan").asText()).isEqualTo("pro");
        assertThat(identity.path("attributes").path("seats").asInt()).isEqualTo(12);

        // The destination maps a group call's groupId to the account traffic type (groupTrafficType).
        JsonNode group = get("/api/environments/test/traffic-types/account/identities/" + account).json();
        assertThat(group.path("attributes").path("industry").asText()).isEqualTo("retail");
    }
}
