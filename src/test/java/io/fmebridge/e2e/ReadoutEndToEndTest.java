package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Issue 13, the experiment readout, end to end: impressions posted as an FME SDK does
 * ({@code /api/testImpressions/bulk}), events and identities through the Segment-compatible API
 * ({@code /v1/batch}), metrics made through the admin API, and the readout read back once the
 * consumers have caught up. The data is deterministic, so the figures are exact.
 */
class ReadoutEndToEndTest extends RunningServiceTest {
    /** Impressions an hour ago, one millisecond apart; events ten minutes after. */
    private static final long T0 = Instant.now().minusSeconds(3600).toEpochMilli() / 1000 * 1000;

    private record Experiment(String flag, String prefix, String conversion, String revenue) {
        String key(int i) {
            return prefix + "-" + i;
        }
    }

    /** A flag, a key prefix, an event type of conversions and of revenue, and a metric of each, all this test's own. */
    private Experiment experiment(String name) {
        String id = unique(name).substring(0, name.length() + 9);
        Experiment x = new Experiment("flag_" + id, "k-" + id, "converted_" + id.replace("-", "_"), "paid_" + id.replace("-", "_"));
        metric(x.conversion(), x.conversion(), "conversion");
        metric(x.revenue(), x.revenue(), "sum");
        return x;
    }

    private void metric(String id, String eventType, String measure) {
        Answer made = admin("POST", "/api/admin/metrics", """
                {"id": "%s", "name": "%s", "environment": "test", "trafficType": "user", "eventType": "%s", "measure": "%s"}"""
                .formatted(id, id, eventType, measure));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
    }

    /** Keys 0..n-1; key i gets the treatment chosen by {@code on}, at T0 + i ms. */
    private void impressions(Experiment x, int n, IntPredicate on) {
        for (int start = 0; start < n; start += 500) {
            StringBuilder body = new StringBuilder("[{\"f\": \"" + x.flag() + "\", \"i\": [");
            for (int i = start; i < Math.min(n, start + 500); i++) {
                body.append(i == start ? "" : ",").append("{\"k\": \"").append(x.key(i)).append("\", \"t\": \"")
                        .append(on.test(i) ? "on" : "off").append("\", \"m\": ").append(T0 + i).append(", \"c\": 1, \"r\": \"default rule\"}");
            }
            body.append("]}]");
            Answer answer = post("/api/testImpressions/bulk", body.toString(), "Authorization", "Bearer sdk-key-test-1");
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        }
    }

    /** Track messages sent through /v1/batch, 200 a request. */
    private void send(List<String> messages) {
        for (int start = 0; start < messages.size(); start += 200) {
            String body = "{\"batch\": [" + String.join(",", messages.subList(start, Math.min(messages.size(), start + 200))) + "]}";
            Answer answer = post("/v1/batch", body, "Authorization", basic("web-api-key-1"));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        }
    }

    private static String track(String event, String key, long time, Double revenue) {
        return "{\"type\": \"track\", \"event\": \"" + event + "\", \"userId\": \"" + key + "\", \"messageId\": \"" + unique("m")
                + "\", \"timestamp\": \"" + Instant.ofEpochMilli(time) + "\"" + (revenue == null ? ""
                : ", \"properties\": {\"revenue\": " + revenue + "}") + "}";
    }

    private String readoutPath(Experiment x, String query) {
        return "/api/environments/test/flags/" + x.flag() + "/readout?from=" + Instant.ofEpochMilli(T0 - 60_000) + "&to="
                + Instant.ofEpochMilli(T0 + 3_600_000) + (query.isEmpty() ? "" : "&" + query);
    }

    private JsonNode readout(Experiment x, String query) {
        Answer answer = get(readoutPath(x, query));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static JsonNode metric(JsonNode readout, String id) {
        for (JsonNode m : readout.path("metrics")) {
            if (m.path("id").asText().equals(id)) {
                return m;
            }
        }
        throw new AssertionError("no metric " + id + " in " + readout);
    }

    private static JsonNode treatment(JsonNode metric, String treatment) {
        for (JsonNode t : metric.path("treatments")) {
            if (t.path("treatment").asText().equals(treatment)) {
                return t;
            }
        }
        throw new AssertionError("no treatment " + treatment + " in " + metric);
    }

    /**
     * 400 keys, every other one on. Of the 200 on keys 60 convert (30%) and pay 20 each; of the 200
     * off keys 20 convert (10%) and pay 10 each. Some off keys also converted before their first
     * impression, which must not count; one key saw both treatments and must be counted apart.
     */
    @Test
    void anABSplitWithAKnownEffectIsFoundWithItsStatistics() {
        Experiment x = experiment("ab");
        impressions(x, 400, i -> i % 2 == 0);
        String both = x.prefix() + "-both";
        assertThat(post("/api/testImpressions/bulk", "[{\"f\": \"" + x.flag() + "\", \"i\": [{\"k\": \"" + both + "\", \"t\": \"on\", \"m\": "
                + T0 + "}, {\"k\": \"" + both + "\", \"t\": \"off\", \"m\": " + (T0 + 5) + "}]}]", "Authorization",
                "Bearer sdk-key-test-1").status()).isEqualTo(200);
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int j = i / 2;
            boolean on = i % 2 == 0;
            if (on ? j % 10 < 3 : j % 10 < 1) {
                long at = T0 + 600_000 + i;
                events.add(track(x.conversion(), x.key(i), at, null));
                events.add(track(x.revenue(), x.key(i), at, on ? 20.0 : 10.0));
            } else if (!on && j % 10 == 5) {
                events.add(track(x.conversion(), x.key(i), T0 - 1000, null)); // before exposure: ignored
            }
        }
        events.add(track(x.conversion(), both, T0 + 600_000, null));
        send(events);

        JsonNode r = readout(x, "metric=" + x.conversion() + "," + x.revenue());
        assertThat(r.path("control").asText()).isEqualTo("off");
        assertThat(r.path("controlChosenBy").asText()).isEqualTo("named off");
        assertThat(r.path("exposure").path("keys").asLong()).isEqualTo(400);
        assertThat(r.path("exposure").path("mixedKeys").asLong()).isEqualTo(1);
        assertThat(r.path("sampleRatio").path("mismatch").asBoolean()).isFalse();
        assertThat(r.path("sampleRatio").path("pValue").asDouble()).isEqualTo(1.0);

        JsonNode conversion = metric(r, x.conversion());
        assertThat(conversion.path("test").asText()).isEqualTo("two-proportion z-test");
        assertThat(treatment(conversion, "on").path("keys").asLong()).isEqualTo(200);
        assertThat(treatment(conversion, "on").path("value").asDouble()).isEqualTo(0.3);
        assertThat(treatment(conversion, "off").path("value").asDouble()).as("events before exposure ignored").isEqualTo(0.1);
        assertThat(treatment(conversion, "off").path("control").asBoolean()).isTrue();
        JsonNode lift = conversion.path("comparisons").get(0);
        assertThat(lift.path("treatment").asText()).isEqualTo("on");
        // the unit test's figures (ReadoutStatisticsTest.twoRatesAreComparedWithThePooledZTest): z = 5, p = 5.733e-7
        assertThat(lift.path("statistic").asDouble()).isCloseTo(5.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(lift.path("pValue").asDouble()).isLessThan(0.001);
        assertThat(lift.path("difference").asDouble()).isCloseTo(0.2, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(lift.path("differenceLow").asDouble()).isGreaterThan(0);
        assertThat(lift.path("relativeLift").asDouble()).isCloseTo(2.0, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(lift.path("significant").asBoolean()).isTrue();
        assertThat(lift.path("better").asBoolean()).isTrue();

        JsonNode revenue = metric(r, x.revenue());
        assertThat(revenue.path("test").asText()).isEqualTo("Welch's t-test");
        assertThat(treatment(revenue, "on").path("value").asDouble()).isEqualTo(6.0); // 60 × 20 / 200
        assertThat(treatment(revenue, "off").path("value").asDouble()).isEqualTo(1.0); // 20 × 10 / 200
        JsonNode paid = revenue.path("comparisons").get(0);
        assertThat(paid.path("difference").asDouble()).isCloseTo(5.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(paid.path("pValue").asDouble()).isLessThan(0.001);
        assertThat(paid.path("differenceLow").asDouble()).isGreaterThan(0);
    }

    /** 400 keys, every other one on, and 20% of either converting, in the same pattern: no difference to find. */
    @Test
    void anAASplitShowsNoDifference() {
        Experiment x = experiment("aa");
        impressions(x, 400, i -> i % 2 == 0);
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            if ((i / 2) % 5 == 0) {
                events.add(track(x.conversion(), x.key(i), T0 + 600_000 + i, null));
                events.add(track(x.revenue(), x.key(i), T0 + 600_000 + i, 5.0 + (i % 4)));
            }
        }
        send(events);

        JsonNode r = readout(x, "metric=" + x.conversion() + "&metric=" + x.revenue());
        JsonNode conversion = metric(r, x.conversion());
        assertThat(treatment(conversion, "on").path("value").asDouble()).isEqualTo(0.2);
        assertThat(treatment(conversion, "off").path("value").asDouble()).isEqualTo(0.2);
        JsonNode c = conversion.path("comparisons").get(0);
        assertThat(c.path("difference").asDouble()).isZero();
        assertThat(c.path("pValue").asDouble()).isEqualTo(1.0);
        assertThat(c.path("significant").asBoolean()).isFalse();
        assertThat(c.path("better").isNull()).isTrue();
        assertThat(c.path("differenceLow").asDouble()).isNegative();
        assertThat(c.path("differenceHigh").asDouble()).isPositive();
        JsonNode revenue = metric(r, x.revenue()).path("comparisons").get(0);
        assertThat(revenue.path("pValue").asDouble()).isGreaterThan(0.05);
        assertThat(revenue.path("significant").asBoolean()).isFalse();
        assertThat(r.path("sampleRatio").path("mismatch").asBoolean()).isFalse();
    }

    /** 700 keys on, 300 off, where an equal split was expected: flagged. With the split set to 70/30: not. */
    @Test
    void aSkewedSplitIsFlaggedAsASampleRatioMismatch() {
        Experiment x = experiment("srm");
        impressions(x, 1000, i -> i % 10 < 7);
        send(List.of(track(x.conversion(), x.key(0), T0 + 600_000, null), track(x.revenue(), x.key(0), T0 + 600_000, 1.0)));

        JsonNode r = readout(x, "metric=" + x.conversion());
        JsonNode srm = r.path("sampleRatio");
        assertThat(srm.path("mismatch").asBoolean()).isTrue();
        assertThat(srm.path("chiSquare").asDouble()).isCloseTo(160.0, org.assertj.core.api.Assertions.within(1e-9)); // scipy.stats.chisquare([700, 300])
        assertThat(srm.path("pValue").asDouble()).isLessThan(0.001);
        assertThat(srm.path("expectedKeys").path("on").asDouble()).isEqualTo(500.0);

        Answer patched = admin("PATCH", "/api/admin/environments/test",
                "{\"experiments\": {\"" + x.flag() + "\": {\"control\": \"off\", \"split\": {\"on\": 70, \"off\": 30}}}}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        JsonNode expected = readout(x, "metric=" + x.conversion()).path("sampleRatio");
        assertThat(expected.path("mismatch").asBoolean()).isFalse();
        assertThat(expected.path("pValue").asDouble()).isEqualTo(1.0);
        assertThat(expected.path("expectedShares").path("on").asDouble()).isEqualTo(0.7);
    }

    @Test
    void anAttributeFilterKeepsTheKeysWithThatValue() {
        Experiment x = experiment("attr");
        impressions(x, 100, i -> i % 2 == 0);
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String plan = i < 40 ? "\"pro\"" : "\"free\"";
            messages.add("{\"type\": \"identify\", \"userId\": \"" + x.key(i) + "\", \"messageId\": \"" + unique("m")
                    + "\", \"traits\": {\"plan\": " + plan + ", \"seats\": " + (i % 3) + "}}");
            if (i < 40 && i % 4 == 0) {
                messages.add(track(x.conversion(), x.key(i), T0 + 600_000, null));
            }
        }
        messages.add(track(x.revenue(), x.key(1), T0 + 600_000, 1.0));
        send(messages);

        JsonNode pro = readout(x, "metric=" + x.conversion() + "&attribute=plan&value=pro");
        assertThat(pro.path("exposure").path("keys").asLong()).isEqualTo(40);
        assertThat(pro.path("filter").path("attribute").asText()).isEqualTo("plan");
        JsonNode on = treatment(metric(pro, x.conversion()), "on");
        assertThat(on.path("keys").asLong()).isEqualTo(20);
        assertThat(on.path("value").asDouble()).isEqualTo(0.5); // keys 0, 4, ..., 36 of the even (on) keys 0..38
        JsonNode seats = readout(x, "metric=" + x.conversion() + "&attribute=seats&value=0"); // a number, stored as 0
        assertThat(seats.path("exposure").path("keys").asLong()).isEqualTo(34);
    }

    @Test
    void theReadoutIsExportedAsCsv() {
        Experiment x = experiment("csv");
        impressions(x, 20, i -> i % 2 == 0);
        send(List.of(track(x.conversion(), x.key(0), T0 + 600_000, null), track(x.revenue(), x.key(0), T0 + 600_000, 3.5)));

        Answer csv = get(readoutPath(x, "metric=" + x.conversion() + "," + x.revenue() + "&format=csv"));
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        assertThat(csv.response().headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(1 + 2 * 2); // header, then two metrics × two treatments
        assertThat(lines[0]).startsWith("environment,flag,from,to,attribute,value,metric,");
        assertThat(lines[1]).contains(x.flag()).contains(x.conversion()).contains(",on,false,10,10,1,1,0.1,");
        assertThat(lines[2]).contains(",off,true,10,10,0,0,0.0,");

        Answer byAccept = send(readoutPath(x, "metric=" + x.conversion()), "Accept", "text/csv");
        assertThat(byAccept.body().split("\r\n")).hasSize(3);
    }

    @Test
    void aMetricWhoseEventTypeExistsButHasNoEventsOfTheseKeysReadsZero() {
        Experiment x = experiment("zero");
        impressions(x, 10, i -> i % 2 == 0);
        send(List.of(track(x.conversion(), unique("someone-else"), T0 + 600_000, null)));
        JsonNode r = readout(x, "metric=" + x.conversion());
        JsonNode on = treatment(metric(r, x.conversion()), "on");
        assertThat(on.path("keys").asLong()).isEqualTo(5);
        assertThat(on.path("events").asLong()).isZero();
        assertThat(on.path("value").asDouble()).isZero();
        assertThat(metric(r, x.conversion()).path("comparisons").get(0).path("pValue").asDouble()).isEqualTo(1.0);
    }

    @Test
    void withoutMetricsNamedEveryMetricOfTheFlagsTrafficTypeIsReadAndThoseWithoutEventsAreListed() {
        Experiment x = experiment("all");
        impressions(x, 10, i -> i % 2 == 0);
        send(List.of(track(x.conversion(), x.key(0), T0 + 600_000, null)));
        JsonNode r = readout(x, "");
        assertThat(r.path("metrics").findValuesAsText("id")).contains(x.conversion());
        assertThat(r.path("skippedMetrics").findValuesAsText("id")).contains(x.revenue());
    }

    @Test
    void badInputIsRefusedWithAClearAnswer() {
        Experiment x = experiment("bad");
        impressions(x, 4, i -> i % 2 == 0);
        send(List.of(track(x.conversion(), x.key(0), T0 + 600_000, null)));

        assertRefused("/api/environments/nope/flags/" + x.flag() + "/readout", 404, "unknown environment 'nope'");
        assertRefused("/api/environments/test/flags/no_such_flag_" + x.prefix() + "/readout", 404, "unknown flag");
        assertRefused(readoutPath(x, "metric=no-such-metric"), 404, "unknown metric 'no-such-metric'");
        assertRefused("/api/environments/test/flags/" + x.flag() + "/readout?from=2026-03-02&to=2026-03-01", 400, "is after to");
        assertRefused(readoutPath(x, "metric=" + x.revenue()), 400, "event type '" + x.revenue() + "' of traffic type 'user' does not exist");
        assertRefused("/api/environments/test/flags/" + x.flag() + "/readout?from=yesterday", 400, "from must be an ISO-8601 time");
        assertRefused(readoutPath(x, "attribute=plan"), 400, "give attribute and value together");
        assertRefused(readoutPath(x, "format=xml"), 400, "format must be json or csv");
        assertThat(getWithout(readoutPath(x, "")).status()).as("behind the admin token").isEqualTo(401);
    }

    private void assertRefused(String path, int status, String message) {
        Answer answer = get(path);
        assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(status);
        assertThat(answer.json().path("error").asText()).contains(message);
        assertThat(answer.json().path("success").asBoolean()).isFalse();
    }

    private Answer send(String path, String... headers) {
        awaitCaughtUp();
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + ADMIN_TOKEN;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return getWithout(path, all);
    }
}
