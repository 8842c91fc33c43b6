package io.fmebridge.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.Semaphore;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.fmebridge.settings.FmeProperties;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The front door of every request with a body:
 * <ul>
 * <li>the 500 KB limit of contract 3.3, enforced while reading: a declared length over it is
 * refused before any byte is read, a longer body as soon as the limit is passed;</li>
 * <li>a bound on ingestion requests in progress, by count and by the bytes of their bodies:
 * beyond it the answer is 503 with {@code Retry-After}, having kept nothing, instead of queueing
 * without end or running out of memory;</li>
 * <li>on ingestion paths, query parameters are hidden (but the impressions webhook's
 * {@code environment}), so that a credential can only come from a header or the body; and the
 * body is read as JSON whatever type it declares, since {@code curl -d} declares a form.</li>
 * </ul>
 */
@Component
@Order(2)
public class RequestSizeLimitFilter extends OncePerRequestFilter {
    private final int maxBytes;
    private final int retryAfterSeconds;
    private final Semaphore inProgress;
    private final Semaphore bufferedKb;

    public RequestSizeLimitFilter(FmeProperties properties) {
        this.maxBytes = properties.ingest().maxRequestBytes();
        this.retryAfterSeconds = properties.ingest().retryAfterSeconds();
        this.inProgress = new Semaphore(properties.ingest().maxConcurrentRequests());
        this.bufferedKb = new Semaphore(Math.max(properties.ingest().maxBufferedBytes() / 1024, maxBytes / 1024 + 1));
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String method = request.getMethod();
        return !("POST".equalsIgnoreCase(method) || "PUT".equalsIgnoreCase(method) || "PATCH".equalsIgnoreCase(method));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            tooLarge(response);
            return;
        }
        String path = RequestPaths.of(request);
        boolean ingestion = RequestPaths.isIngestion(path);
        // a body of unknown length may be as long as the limit
        int kb = (int) ((declared >= 0 ? declared : maxBytes) / 1024) + 1;
        if (ingestion && !admit(kb)) {
            response.setHeader("Retry-After", String.valueOf(retryAfterSeconds));
            JsonAnswers.write(response, 503, "the service is saturated; nothing of this request was kept");
            return;
        }
        boolean released = false;
        try {
            byte[] body = readAtMost(request.getInputStream(), maxBytes);
            if (body == null) {
                tooLarge(response);
                return;
            }
            chain.doFilter(ingestion ? new BufferedRequest(request, body, RequestPaths.allowedParameters(path))
                    : new BufferedRequest(request, body, null), response);
            if (ingestion && request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new ReleaseWhenDone(kb));
                released = true; // the listener releases it when the answer is written
            }
        } finally {
            if (ingestion && !released) {
                release(kb);
            }
        }
    }

    private boolean admit(int kb) {
        if (!inProgress.tryAcquire()) {
            return false;
        }
        if (!bufferedKb.tryAcquire(kb)) {
            inProgress.release();
            return false;
        }
        return true;
    }

    private void release(int kb) {
        bufferedKb.release(kb);
        inProgress.release();
    }

    private final class ReleaseWhenDone implements AsyncListener {
        private final int kb;
        private boolean done;

        ReleaseWhenDone(int kb) {
            this.kb = kb;
        }

        private synchronized void release() {
            if (!done) {
                done = true;
                RequestSizeLimitFilter.this.release(kb);
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            release();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            release();
        }

        @Override
        public void onError(AsyncEvent event) {
            release();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close"); // don't read the rest of a body we refuse
        JsonAnswers.write(response, 400, "request is over " + maxBytes / 1024 + " KB");
    }

    /** The body, or null when it is longer than {@code limit}. */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        byte[] buffer = new byte[Math.min(limit + 1, 16 * 1024)];
        int length = 0;
        int n;
        while ((n = in.read(buffer, length, buffer.length - length)) > 0) {
            length += n;
            if (length > limit) {
                return null;
            }
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, limit + 1));
            }
        }
        return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
    }

    private static final class BufferedRequest extends HttpServletRequestWrapper {
        private final byte[] body;
        /** Query parameters that may pass; null passes all (not an ingestion path). */
        private final java.util.Set<String> allowed;

        BufferedRequest(HttpServletRequest request, byte[] body, java.util.Set<String> allowed) {
            super(request);
            this.body = body;
            this.allowed = allowed;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public String getContentType() {
            String type = super.getContentType();
            if (allowed != null && type != null && (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/"))) {
                return "application/json";
            }
            return type;
        }

        @Override
        public String getHeader(String name) {
            return "Content-Type".equalsIgnoreCase(name) ? getContentType() : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if ("Content-Type".equalsIgnoreCase(name)) {
                String type = getContentType();
                return type == null ? Collections.emptyEnumeration() : Collections.enumeration(java.util.List.of(type));
            }
            return super.getHeaders(name);
        }

        @Override
        public String getQueryString() {
            if (allowed == null) {
                return super.getQueryString();
            }
            StringBuilder query = new StringBuilder();
            getParameterMap().forEach((name, values) -> {
                for (String value : values) {
                    query.append(query.isEmpty() ? "" : "&").append(java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8))
                            .append('=').append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
                }
            });
            return query.isEmpty() ? null : query.toString();
        }

        @Override
        public String getParameter(String name) {
            String[] values = getParameterMap().get(name);
            return values == null || values.length == 0 ? null : values[0];
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            if (allowed == null) {
                return super.getParameterMap();
            }
            Map<String, String[]> kept = new java.util.LinkedHashMap<>();
            for (String name : allowed) {
                String raw = super.getQueryString() == null ? null : queryValue(super.getQueryString(), name);
                if (raw != null) {
                    kept.put(name, new String[] {raw});
                }
            }
            return kept;
        }

        /** Read from the query string alone: a form body is never parsed as parameters. */
        private static String queryValue(String query, String name) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
                if (key.equals(name)) {
                    return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            return null;
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(getParameterMap().keySet());
        }

        @Override
        public String[] getParameterValues(String name) {
            return getParameterMap().get(name);
        }

        @Override
        public java.io.BufferedReader getReader() {
            String encoding = getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding();
            return new java.io.BufferedReader(new java.io.InputStreamReader(new ByteArrayInputStream(body),
                    java.nio.charset.Charset.forName(encoding)));
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }
}
