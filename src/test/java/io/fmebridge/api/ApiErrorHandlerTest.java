package io.fmebridge.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import io.fmebridge.settings.FmeProperties;

/** The query and admin endpoints answer a store that can't serve them as the door does: 503, Retry-After, never a 500. */
class ApiErrorHandlerTest {
    private final ApiErrorHandler handler = new ApiErrorHandler(new FmeProperties(null, null, null, null, null, null,
            new FmeProperties.Ingest(512000, 32768, 2500, 4096, 7, 256, 33554432, true, FmeProperties.MappingPriority.LOW),
            null, null, null));

    @Test
    void aClosedOrUnreachableStoreIs503WithRetryAfter() {
        ResponseEntity<String> answer = handler.storeUnavailable(
                new CannotGetJdbcConnectionException("Database is already closed [/srv/data/fme.mv.db]"));

        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("7");
        assertThat(answer.getBody()).contains("the store is not available").doesNotContain("fme.mv.db");
    }

    @Test
    void aBusyStoreIs503Too() {
        ResponseEntity<String> answer = handler.storeUnavailable(new CannotAcquireLockException("lock timeout"));

        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("7");
    }
}
