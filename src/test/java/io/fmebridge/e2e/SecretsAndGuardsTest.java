package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import io.fmebridge.api.RequestPaths;

/** Nobody in without the right credential, and no secret in logs or answers. */
@ExtendWith(OutputCaptureExtension.class)
class SecretsAndGuardsTest extends RunningServiceTest {

    @Autowired
    ApplicationContext context;

    @Test
    void everyApiPathThatIsNotIngestionNeedsTheAdminToken() throws Exception { // contract 1: fme.admin-token
        List<String[]> endpoints = new ArrayList<>();
        for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<String> patterns = info.getPatternValues();
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (String pattern : patterns) {
                    String path = pattern.replaceAll("\\{[^}]+}", "x");
                    if (!path.startsWith("/api/") || RequestPaths.isIngestion(path)) {
                        continue;
                    }
                    for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                        endpoints.add(new String[] {method.name(), path});
                    }
                }
            }
        }
        assertThat(endpoints).as("the query and delivery API").hasSizeGreaterThanOrEqualTo(8);
        for (String[] endpoint : endpoints) {
            for (String authorization : new String[] {null, "Bearer wrong-token", "Basic " + ADMIN_TOKEN, ADMIN_TOKEN}) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + endpoint[1]))
                        .method(endpoint[0], HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json");
                if (authorization != null) {
                    request.header("Authorization", authorization);
                }
                HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(endpoint[0] + " " + endpoint[1] + " with " + authorization).isEqualTo(401);
            }
            // a body no endpoint accepts: admitted, the call must still change nothing (PUT /api/admin/settings
            // with {} would replace every setting of the context the other tests share)
            HttpResponse<String> admitted = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + endpoint[1]))
                    .method(endpoint[0], HttpRequest.BodyPublishers.ofString("not json")).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(admitted.statusCode()).as(endpoint[0] + " " + endpoint[1] + " with the admin token").isNotEqualTo(401);
        }
    }

    @Test
    void onlyTheIngestionPathsThemselvesAreLeftToTheirOwnCredentials() { // contract 1: every other /api/ path needs the token
        assertThat(getWithout("/api/testImpressions/other").status()).isEqualTo(401);
        assertThat(post("/api/testImpressions/bulk/x", "[]").status()).isEqualTo(401);
        assertThat(getWithout("/api/segment/other").status()).isEqualTo(401);
    }

    @Test
    void theImpressionsWebhookSaysNothingAboutEnvironmentsToACallerWithoutAKey() { // 5.1: 401 before anything else
        assertThat(post("/api/impressions/webhook?environment=test", "[]").status()).isEqualTo(401);
        assertThat(post("/api/impressions/webhook?environment=no-such-env", "[]").status()).isEqualTo(401);
        assertThat(post("/api/impressions/webhook?environment=no-such-env", "[]", "Authorization", "Bearer sdk-key-test-1").status())
                .isEqualTo(401);
        assertThat(post("/api/impressions/webhook?environment=test", "[]", "Authorization", "Bearer sdk-key-test-1").status())
                .isEqualTo(200);
    }

    @Test
    void dropsCanBeFoundInTheLogByDestinationAndMessageId(CapturedOutput output) { // contract 6: searchable logs
        String id = unique("findme");
        post("/v1/track", "{\"userId\": \"u\", \"messageId\": \"" + id + "\"}", "Authorization", basic("web-api-key-1"));
        awaitCaughtUp();

        assertThat(output.getAll()).contains("destination=web messageId=" + id + " reason=missing_event_type_id");
    }

    @Test
    void noSecretAppearsInLogsOrAnswers(CapturedOutput output) {
        String user = unique("user");
        String message = "{\"type\": \"track\", \"event\": \"e\", \"userId\": \"" + user + "\"}";
        List<Answer> answers = List.of(
                post("/api/segment/webhook/web", message, "Authorization", "web-hook-secret-1"),
                post("/api/segment/webhook/web", message, "Authorization", "web-hook-secret-2"),
                post("/api/segment/webhook/signed", message, "Authorization", "signed-hook-secret-1", "X-Signature", "00"),
                post("/v1/batch", "{\"writeKey\": \"web-api-key-1\", \"batch\": [" + message + "]}"),
                post("/v1/batch", "{\"writeKey\": \"web-api-key-9\", \"batch\": [" + message + "]}"),
                post("/v1/track", "{not json", "Authorization", basic("web-api-key-1")),
                post("/api/testImpressions/bulk", "[{\"f\": \"x\"}]", "Authorization", "Bearer sdk-key-test-1"),
                get("/api/destinations/web/stats"),
                get("/api/destinations/web/dropped"));

        org.slf4j.LoggerFactory.getLogger(SecretsAndGuardsTest.class).info("log capture works");
        assertThat(output.getAll()).as("the service's logs are captured").contains("log capture works");
        for (String secret : List.of("web-hook-secret-1", "web-hook-secret-2", "signed-hook-secret-1", "signed-signing-secret-1",
                "web-api-key-1", "web-api-key-9", "sdk-key-test-1", "signed-api-key-1", ADMIN_TOKEN)) {
            assertThat(output.getAll()).as("logs").doesNotContain(secret);
            for (Answer answer : answers) {
                assertThat(answer.body()).as("answer").doesNotContain(secret);
            }
        }
    }
}
