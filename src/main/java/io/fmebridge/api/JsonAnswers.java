package io.fmebridge.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import jakarta.servlet.http.HttpServletResponse;

/** The error answer of contract 3.3, {@code {"success": false, "error": "..."}}, written directly. */
public final class JsonAnswers {
    private JsonAnswers() {
    }

    public static String error(String message) {
        return "{\"success\":false,\"error\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(message)) + "\"}";
    }

    public static void write(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        byte[] body = error(message).getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
