package io.fmebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Contract 6: settings switch whole flows off; with the source side off, the destination side serves alone. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "fme.integrations-file=src/test/resources/integrations-test.yml",
        "fme.data-dir=target/test-data/destination-alone",
        "fme.admin-token=t",
        "fme.flows.source=false",
})
class DestinationSideAloneTest {
    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;

    private int post(String path, String authorization, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void onlyTheDestinationSideRuns() throws Exception {
        assertThat(camel.getRoutes()).extracting(r -> r.getRouteId()).contains("segment-webhook", "segment-store-records")
                .noneMatch(id -> id.startsWith("impressions-"));
        assertThat(post("/api/segment/webhook/web", "web-hook-secret-1", "{\"type\": \"track\", \"event\": \"e\", \"userId\": \"u\"}"))
                .isEqualTo(200);
        assertThat(post("/api/testImpressions/bulk", "Bearer sdk-key-test-1", "[]")).isEqualTo(404);
    }
}
