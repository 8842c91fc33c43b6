package io.fmebridge.api;

import org.springframework.web.util.UrlPathHelper;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The path of a request as Spring matches it: decoded, with {@code ;parameters} removed. Guards
 * decide on this path, so that {@code /%61pi/...} or {@code /api;x/...} can't slip past them.
 */
public final class RequestPaths {
    private static final UrlPathHelper PATHS = new UrlPathHelper();

    static {
        PATHS.setUrlDecode(true);
        PATHS.setRemoveSemicolonContent(true);
    }

    private RequestPaths() {
    }

    public static String of(HttpServletRequest request) {
        return PATHS.getPathWithinApplication(request);
    }

    /** Endpoints that take Segment messages or impressions and check their own credentials. */
    public static boolean isIngestion(String path) {
        return isSegmentIngestion(path)
                || path.equals("/api/testImpressions/bulk") || path.equals("/api/testImpressions/count")
                || path.equals("/api/impressions/webhook");
    }

    /** The query parameters an ingestion path takes; all others are hidden from the routes. */
    public static java.util.Set<String> allowedParameters(String path) {
        return path.equals("/api/impressions/webhook") ? java.util.Set.of("environment") : java.util.Set.of();
    }

    /** Endpoints that take Segment messages: their credentials come from headers or the body only. */
    public static boolean isSegmentIngestion(String path) {
        return path.startsWith("/v1/") || path.startsWith("/api/segment/webhook/");
    }
}
