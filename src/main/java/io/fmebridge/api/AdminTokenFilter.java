package io.fmebridge.api;

import java.io.IOException;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * One guard for every {@code /api/} path that is not an ingestion endpoint: those need
 * {@code Authorization: Bearer <fme.admin-token>}. Ingestion endpoints check their own credentials.
 */
@Component
@Order(1)
public class AdminTokenFilter extends OncePerRequestFilter {
    private final AdminToken adminToken;

    public AdminTokenFilter(AdminToken adminToken) {
        this.adminToken = adminToken;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = RequestPaths.of(request);
        return !(path.equals("/api") || path.startsWith("/api/")) || RequestPaths.isIngestion(path);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (adminToken.accepts(request.getHeader("Authorization"))) {
            chain.doFilter(request, response);
            return;
        }
        JsonAnswers.write(response, 401, request.getHeader("Authorization") == null
                ? "missing admin token: send Authorization: Bearer <fme.admin-token>"
                : "wrong admin token");
    }
}
