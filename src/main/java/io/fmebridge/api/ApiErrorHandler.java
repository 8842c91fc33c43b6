package io.fmebridge.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import io.fmebridge.settings.FmeProperties;

/** Answers of the Spring MVC endpoints in the same shape as the ingestion endpoints. */
@RestControllerAdvice
public class ApiErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    private final int retryAfterSeconds;

    public ApiErrorHandler(FmeProperties properties) {
        this.retryAfterSeconds = properties.ingest().retryAfterSeconds();
    }

    @ExceptionHandler(RequestRejectedException.class)
    public ResponseEntity<String> rejected(RequestRejectedException e) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.valueOf(e.status()))
                .contentType(MediaType.APPLICATION_JSON);
        if (e.retryAfterSeconds() != null) {
            answer.header(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
        }
        return answer.body(JsonAnswers.error(e.getMessage()));
    }

    /**
     * The store busy, closed or unreachable (a full disk, a database restarting): a passing fault,
     * so 503 with Retry-After as at the door, never a 500. The database's own words stay in the log.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class,
            RecoverableDataAccessException.class})
    public ResponseEntity<String> storeUnavailable(Exception e) {
        log.warn("The store could not answer a query or admin request: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds))
                .body(JsonAnswers.error("the store is not available; try again"));
    }
}
