package io.fmebridge.api;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Answers of the Spring MVC endpoints in the same shape as the ingestion endpoints. */
@RestControllerAdvice
public class ApiErrorHandler {
    @ExceptionHandler(RequestRejectedException.class)
    public ResponseEntity<String> rejected(RequestRejectedException e) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.valueOf(e.status()))
                .contentType(MediaType.APPLICATION_JSON);
        if (e.retryAfterSeconds() != null) {
            answer.header(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
        }
        return answer.body(JsonAnswers.error(e.getMessage()));
    }
}
