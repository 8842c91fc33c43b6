package io.fmebridge.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/** WireMock standing in for Segment's HTTP Tracking API, one path prefix per workspace. */
final class SegmentStub {
    private static final ObjectMapper JSON = new ObjectMapper();
    final WireMockServer server;

    SegmentStub() {
        this(0);
    }

    SegmentStub(int port) {
        server = new WireMockServer(port == 0 ? WireMockConfiguration.options().dynamicPort() : WireMockConfiguration.options().port(port));
        server.start();
    }

    String base(String workspace) {
        return "http://localhost:" + server.port() + "/" + workspace;
    }

    /** Segment's usual answer for a workspace: 200 {"success": true}. */
    void accepts(String workspace) {
        server.stubFor(post(urlPathEqualTo("/" + workspace + "/v1/batch")).willReturn(okJson("{\"success\":true}")));
    }

    List<LoggedRequest> requests(String workspace) {
        return server.findAll(postRequestedFor(urlPathEqualTo("/" + workspace + "/v1/batch")));
    }

    /** Every message of every batch the workspace received, in order. */
    List<JsonNode> messages(String workspace) {
        List<JsonNode> messages = new ArrayList<>();
        for (LoggedRequest request : requests(workspace)) {
            batch(request).forEach(messages::add);
        }
        return messages;
    }

    static JsonNode batch(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString()).path("batch");
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + request.getBodyAsString(), e);
        }
    }

    void stop() {
        server.stop();
    }
}
