package io.fmebridge.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A light stand-in for Segment's HTTP Tracking API: answers 200 to any batch, and remembers the
 * distinct messageIds it received and when the last new one came. Reads gzip bodies too
 * (analytics-java compresses its batches).
 */
final class SegmentSink implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] OK = "{\"success\":true}".getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService workers = Executors.newFixedThreadPool(8);
    private final Set<String> messageIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private volatile long lastNewAtNanos;

    SegmentSink() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true"); // answers without waiting for a delayed ACK
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.setExecutor(workers);
        server.createContext("/", this::receive);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int distinctMessages() {
        return messageIds.size();
    }

    long requests() {
        return requests.get();
    }

    long lastNewAtNanos() {
        return lastNewAtNanos;
    }

    void reset() {
        messageIds.clear();
        requests.set(0);
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            int added = 0;
            try (JsonParser parser = JSON.createParser(body)) {
                JsonToken token;
                while ((token = parser.nextToken()) != null) {
                    if (token == JsonToken.FIELD_NAME && "messageId".equals(parser.currentName()) && parser.getParsingContext().getParent() != null
                            && parser.getParsingContext().getParent().inArray()) {
                        parser.nextToken();
                        if (messageIds.add(parser.getText())) {
                            added++;
                        }
                    }
                }
            }
            requests.incrementAndGet();
            if (added > 0) {
                lastNewAtNanos = System.nanoTime();
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, OK.length);
            exchange.getResponseBody().write(OK);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
