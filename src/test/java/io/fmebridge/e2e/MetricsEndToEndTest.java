package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Contract 6: /actuator/prometheus has the counters of the stats endpoints, and the routes' timings. */
class MetricsEndToEndTest extends RunningServiceTest {

    private double metric(String text, String name, String... labels) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                Matcher value = Pattern.compile("} ([0-9.eE+-]+)$").matcher(line);
                if (value.find()) {
                    total += Double.parseDouble(value.group(1));
                }
            }
        }
        return total;
    }

    private double metricWithoutLabels(String text, String name) {
        Matcher value = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    @Test
    void prometheusCountsWhatTheDestinationTookIn() {
        awaitCaughtUp();
        String before = getWithout("/actuator/prometheus").body();
        String user = unique("user");
        String id = unique("m");
        post("/v1/batch", "{\"batch\": [{\"type\": \"track\", \"event\": \"a\", \"userId\": \"" + user + "\", \"messageId\": \"" + id + "\"},"
                + "{\"type\": \"track\", \"event\": \"a\", \"userId\": \"" + user + "\", \"messageId\": \"" + id + "\"},"
                + "{\"type\": \"track\", \"userId\": \"" + user + "\"}]}", "Authorization", basic("web-api-key-1"));
        awaitCaughtUp(); // counted when mapped, behind the 200

        Answer answer = getWithout("/actuator/prometheus");
        assertThat(answer.status()).isEqualTo(200);
        String after = answer.body();
        String dest = "destination=\"web\"";
        assertThat(metric(after, "fme_destination_messages_total", dest, "outcome=\"received\"")
                - metric(before, "fme_destination_messages_total", dest, "outcome=\"received\"")).isEqualTo(3);
        assertThat(metric(after, "fme_destination_messages_total", dest, "outcome=\"stored\"")
                - metric(before, "fme_destination_messages_total", dest, "outcome=\"stored\"")).isEqualTo(1);
        assertThat(metric(after, "fme_destination_messages_total", dest, "outcome=\"duplicate\"")
                - metric(before, "fme_destination_messages_total", dest, "outcome=\"duplicate\"")).isEqualTo(1);
        assertThat(metric(after, "fme_destination_dropped_total", dest, "reason=\"missing_event_type_id\"")
                - metric(before, "fme_destination_dropped_total", dest, "reason=\"missing_event_type_id\"")).isEqualTo(1);
        // the store's writer: at least one more group commit, each timed in its two steps, and the requests it answered
        assertThat(metric(after, "fme_store_commit_seconds_count", "step=\"write\"")
                - metric(before, "fme_store_commit_seconds_count", "step=\"write\"")).isGreaterThanOrEqualTo(1);
        assertThat(metric(after, "fme_store_commit_seconds_count", "step=\"flush\"")
                - metric(before, "fme_store_commit_seconds_count", "step=\"flush\"")).isGreaterThanOrEqualTo(1);
        assertThat(metric(after, "fme_store_commit_seconds_sum", "step=\"write\"")
                - metric(before, "fme_store_commit_seconds_sum", "step=\"write\"")).isGreaterThan(0);
        assertThat(metricWithoutLabels(after, "fme_store_commit_requests_sum")
                - metricWithoutLabels(before, "fme_store_commit_requests_sum")).isGreaterThanOrEqualTo(1);
        // the journal: the request appended by one of its group commits, mapped, and the time it took to be queryable
        assertThat(metric(after, "fme_journal_commit_seconds_count", "step=\"flush\"")
                - metric(before, "fme_journal_commit_seconds_count", "step=\"flush\"")).isGreaterThanOrEqualTo(1);
        assertThat(metric(after, "fme_journal_delay_seconds_count", "log=\"segment\"")
                - metric(before, "fme_journal_delay_seconds_count", "log=\"segment\"")).isGreaterThanOrEqualTo(1);
        assertThat(after).containsPattern("(?m)^fme_journal_delay_seconds_bucket\\{.*log=\"segment\"");
        assertThat(after).containsPattern("(?m)^fme_journal_lag_entries\\{.*log=\"segment\".* 0\\.0$");
        assertThat(after).containsPattern("(?m)^fme_journal_lag_seconds\\{.*log=\"impressions\"");
        // the routes' timings
        assertThat(after).containsPattern("(?m)^camel_\\w*route\\w*\\{.*routeId=\"segment-store-records\"");
        assertThat(after).as("exchange counts per route").containsPattern("(?m)^camel_exchanges_total\\{.*routeId=\"segment-store-records\"");
        // the routes run once per message inside it have no timer of their own (camel.metrics.route-policy-exclude-pattern)
        assertThat(after).doesNotContainPattern("(?m)^camel_\\w*\\{.*routeId=\"segment-message-router\"");
    }
}
