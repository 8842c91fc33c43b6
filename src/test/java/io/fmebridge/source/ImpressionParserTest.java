package io.fmebridge.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.fmebridge.api.RequestRejectedException;
import io.fmebridge.source.ImpressionParser.ImpressionCount;

/** Contract 5.1, "Impressions in": the SDK bulk, count and webhook bodies, and 400 for a malformed one. */
class ImpressionParserTest {
    private final ImpressionParser parser = new ImpressionParser(new ObjectMapper());

    private static byte[] body(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The problem text of the 400 that the SDK bulk body is refused with. */
    private String bulkRejected(String text) {
        return rejected(() -> parser.sdkBulk(body(text), "prod"));
    }

    private String webhookRejected(String text) {
        return rejected(() -> parser.webhook(body(text), "prod"));
    }

    private static String rejected(Runnable parse) {
        var e = catchThrowableOfType(RequestRejectedException.class, parse::run);
        assertThat(e).as("a RequestRejectedException").isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).as("the problem, not a stack trace").isNotBlank().doesNotContain("Exception", "\tat ");
        return e.getMessage();
    }

    // ---- SDK bulk: POST /api/testImpressions/bulk ---------------------------------------------

    @Test
    void sdkBulkBodyIsReadIntoImpressions() {                               // contract 5.1: bulk body f, k, t, m, c, r, b
        List<Impression> impressions = parser.sdkBulk(body("""
                [{"f": "new_checkout", "i": [
                   {"k": "user-42", "t": "on", "m": 1712345678901, "c": 1712345000000, "r": "default rule", "b": "bucket-7", "pt": 1712345000001}
                ]}]"""), "prod");
        assertThat(impressions).containsExactly(new Impression("prod", "new_checkout", "user-42", "on", 1712345678901L,
                1712345000000L, "default rule", "bucket-7"));
    }

    @Test
    void sdkBulkBodyWithSeveralFlagsGivesEveryImpressionItsFlag() {         // contract 5.1: [{"f", "i": [...]}, ...]
        List<Impression> impressions = parser.sdkBulk(body("""
                [{"f": "new_checkout", "i": [{"k": "u1", "t": "on", "m": 1}, {"k": "u2", "t": "off", "m": 2}]},
                 {"f": "billing_v2", "i": [{"k": "a1", "t": "v2", "m": 3}]},
                 {"f": "empty_flag", "i": []}]"""), "prod");
        assertThat(impressions).extracting(Impression::flag, Impression::key, Impression::treatment, Impression::time)
                .containsExactly(
                        tuple("new_checkout", "u1", "on", 1L),
                        tuple("new_checkout", "u2", "off", 2L),
                        tuple("billing_v2", "a1", "v2", 3L));
        assertThat(impressions).extracting(Impression::environmentId).containsOnly("prod");
    }

    @Test
    void sdkBulkChangeNumberLabelAndBucketingKeyMayBeAbsent() {             // contract 5.1: c, r, b optional in SDK bodies
        List<Impression> impressions = parser.sdkBulk(body("""
                [{"f": "new_checkout", "i": [{"k": "u1", "t": "on", "m": 1712345678901}]}]"""), "prod");
        assertThat(impressions).containsExactly(new Impression("prod", "new_checkout", "u1", "on", 1712345678901L, null, null, null));
    }

    @Test
    void sdkBulkEmptyArrayIsNoImpressions() {                               // contract 5.1: a valid body with nothing in it
        assertThat(parser.sdkBulk(body("[]"), "prod")).isEmpty();
    }

    // ---- counts: POST /api/testImpressions/count ----------------------------------------------

    @Test
    void countsBodyIsReadIntoCounts() {                                      // contract 5.1: /api/testImpressions/count stored as counts
        List<ImpressionCount> counts = parser.counts(body("""
                {"pf": [{"f": "new_checkout", "m": 1712343600000, "rc": 17},
                        {"f": "billing_v2", "m": 1712343600000, "rc": 3}]}"""));
        assertThat(counts).containsExactly(new ImpressionCount("new_checkout", 1712343600000L, 17),
                new ImpressionCount("billing_v2", 1712343600000L, 3));
    }

    @Test
    void malformedCountsBodyIs400() {                                        // contract 5.1: "400 with a clear error for a malformed body"
        assertThat(rejected(() -> parser.counts(body("{\"counts\": 3}")))).contains("pf");
        assertThat(rejected(() -> parser.counts(body("{\"pf\": [{\"m\": 1, \"rc\": 2}]}")))).contains("count 1", "f", "missing");
        assertThat(rejected(() -> parser.counts(body("{\"pf\": [{\"f\": \"x\", \"m\": 1, \"rc\": \"many\"}]}"))))
                .contains("rc", "whole number");
    }

    // ---- FME impressions webhook: POST /api/impressions/webhook -------------------------------

    @Test
    void webhookBodyIsReadIntoImpressions() {                               // contract 5.1: webhook key, split, treatment, time, label, splitVersionNumber, bucketingKey
        List<Impression> impressions = parser.webhook(body("""
                [{"key": "user-42", "split": "new_checkout", "environmentId": "env-uuid", "environmentName": "Production",
                  "treatment": "on", "time": 1712345678901, "bucketingKey": "bucket-7", "label": "default rule",
                  "splitVersionNumber": 1712345000000, "machineName": "web-1", "machineIp": "10.0.0.1"},
                 {"key": "user-43", "split": "billing_v2", "treatment": "off", "time": 1712345678902}]"""), "prod");
        assertThat(impressions).containsExactly(
                new Impression("prod", "new_checkout", "user-42", "on", 1712345678901L, 1712345000000L, "default rule", "bucket-7"),
                new Impression("prod", "billing_v2", "user-43", "off", 1712345678902L, null, null, null));
    }

    @Test
    void webhookBodyMissingARequiredFieldIs400NamingIt() {                   // contract 5.1: 400 with a clear error
        assertThat(webhookRejected("[{\"split\": \"f\", \"treatment\": \"on\", \"time\": 1}]")).contains("impression 1", "key", "missing");
        assertThat(webhookRejected("[{\"key\": \"k\", \"treatment\": \"on\", \"time\": 1}]")).contains("split", "missing");
        assertThat(webhookRejected("[{\"key\": \"k\", \"split\": \"f\", \"time\": 1}]")).contains("treatment", "missing");
        assertThat(webhookRejected("[{\"key\": \"k\", \"split\": \"f\", \"treatment\": \"on\"}]")).contains("time", "missing");
    }

    @Test
    void webhookBodyThatIsNotAnArrayIs400() {                                // contract 5.1: body is an array of impressions
        assertThat(webhookRejected("{\"key\": \"k\"}")).contains("array");
        assertThat(webhookRejected("[\"k\"]")).contains("impression 1", "not an object");
    }

    // ---- malformed SDK bulk bodies: 400 naming the problem ------------------------------------

    @Test
    void bodyThatIsNotJsonIs400SayingWhere() {                               // contract 5.1/3.3: "body is not valid JSON at line 1, column 17"
        assertThat(bulkRejected("[{\"f\": \"x\", \"i\": [}")).contains("not valid JSON", "line 1", "column");
        assertThat(webhookRejected("not json")).contains("not valid JSON");
    }

    @Test
    void emptyBodyIs400() {                                                  // contract 5.1: 400 for a malformed body
        assertThat(bulkRejected("")).contains("empty");
        assertThat(rejected(() -> parser.sdkBulk(null, "prod"))).contains("empty");
        assertThat(webhookRejected("")).contains("empty");
        assertThat(rejected(() -> parser.counts(new byte[0]))).contains("empty");
    }

    @Test
    void whitespaceOnlyBodyIs400() {                                         // contract 5.1: 400 for a malformed body
        assertThat(bulkRejected("   \n")).contains("empty");
    }

    @Test
    void bulkBodyThatIsNotAnArrayIs400() {                                   // contract 5.1: the bulk body is an array
        assertThat(bulkRejected("{\"f\": \"new_checkout\", \"i\": []}")).contains("array");
        assertThat(bulkRejected("\"impressions\"")).contains("array");
    }

    @Test
    void bulkElementWithoutAnImpressionArrayIs400() {                        // contract 5.1: "i": [impressions]
        assertThat(bulkRejected("[{\"f\": \"new_checkout\"}]")).contains("element 1", "i", "array");
        assertThat(bulkRejected("[{\"f\": \"new_checkout\", \"i\": {\"k\": \"u\"}}]")).contains("element 1", "i", "array");
        assertThat(bulkRejected("[{\"f\": \"new_checkout\", \"i\": [\"u1\"]}]")).contains("impression 1", "not an object");
    }

    @Test
    void bulkImpressionMissingTheFlagIs400NamingF() {                        // contract 5.1: "f": "<flag>"
        assertThat(bulkRejected("[{\"i\": [{\"k\": \"u\", \"t\": \"on\", \"m\": 1}]}]")).contains("element 1", "f", "missing");
        assertThat(bulkRejected("[{\"f\": \"\", \"i\": []}]")).contains("f", "empty");
    }

    @Test
    void bulkImpressionMissingTheKeyIs400NamingK() {                         // contract 5.1: "k": key
        assertThat(bulkRejected("[{\"f\": \"x\", \"i\": [{\"k\": \"u\", \"t\": \"on\", \"m\": 1}, {\"t\": \"on\", \"m\": 1}]}]"))
                .contains("element 1, impression 2", "k", "missing");
    }

    @Test
    void bulkImpressionMissingTheTreatmentIs400NamingT() {                   // contract 5.1: "t": treatment
        assertThat(bulkRejected("[{\"f\": \"x\", \"i\": [{\"k\": \"u\", \"m\": 1}]}]")).contains("impression 1", "t", "missing");
    }

    @Test
    void bulkImpressionMissingTheTimeIs400NamingM() {                        // contract 5.1: "m": timeMillis
        assertThat(bulkRejected("[{\"f\": \"x\", \"i\": [{\"k\": \"u\", \"t\": \"on\"}]}]")).contains("impression 1", "m", "missing");
    }

    @Test
    void bulkFieldsOfTheWrongTypeAre400NamingThem() {                        // contract 5.1: 400 for a malformed body
        assertThat(bulkRejected("[{\"f\": \"x\", \"i\": [{\"k\": {\"id\": 1}, \"t\": \"on\", \"m\": 1}]}]")).contains("k", "must be a string");
        assertThat(bulkRejected("[{\"f\": [\"x\"], \"i\": []}]")).contains("f", "must be a string");
        assertThat(bulkRejected("[{\"f\": \"x\", \"i\": [{\"k\": \"u\", \"t\": [\"on\"], \"m\": 1}]}]")).contains("t", "must be a string");
        assertThat(bulkRejected("[{\"f\": \"x\", \"i\": [{\"k\": \"u\", \"t\": \"on\", \"m\": \"yesterday\"}]}]")).contains("m", "whole number");
        assertThat(bulkRejected("[{\"f\": \"x\", \"i\": [{\"k\": \"u\", \"t\": \"on\", \"m\": 1.5}]}]")).contains("m", "whole number");
        assertThat(bulkRejected("[{\"f\": \"x\", \"i\": [{\"k\": \"u\", \"t\": \"on\", \"m\": 1, \"c\": \"v7\"}]}]")).contains("c", "whole number");
    }

    @Test
    void keyOver250CharactersIs400() {                                       // contract 3.4/5.1: keys are strings of 1 to 250 characters
        String longKey = "k".repeat(251);
        assertThat(bulkRejected("[{\"f\": \"x\", \"i\": [{\"k\": \"" + longKey + "\", \"t\": \"on\", \"m\": 1}]}]"))
                .contains("k", "over 250 characters");
        assertThat(webhookRejected("[{\"key\": \"" + longKey + "\", \"split\": \"x\", \"treatment\": \"on\", \"time\": 1}]"))
                .contains("key", "over 250 characters");
    }

    @Test
    void keyOf250CharactersIsAccepted() {                                    // contract 3.4/5.1: keys are strings of 1 to 250 characters
        String key = "k".repeat(250);
        assertThat(parser.sdkBulk(body("[{\"f\": \"x\", \"i\": [{\"k\": \"" + key + "\", \"t\": \"on\", \"m\": 1}]}]"), "prod"))
                .extracting(Impression::key).containsExactly(key);
    }

    @Test
    void emptyKeyIs400() {                                                   // contract 3.4/5.1: keys are strings of 1 to 250 characters
        assertThat(bulkRejected("[{\"f\": \"x\", \"i\": [{\"k\": \"\", \"t\": \"on\", \"m\": 1}]}]")).contains("k", "empty");
    }
}
