package io.fmebridge.api;

/**
 * A request refused with a 4xx or 5xx answer of contract 3.3. The message is shown to the
 * caller, so it names the problem and never holds a secret.
 */
public class RequestRejectedException extends RuntimeException {
    private final int status;
    private final Integer retryAfterSeconds;

    public RequestRejectedException(int status, String message) {
        this(status, message, null);
    }

    public RequestRejectedException(int status, String message, Integer retryAfterSeconds) {
        super(message, null, false, false); // no stack trace: this is an answer, not a fault
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static RequestRejectedException badRequest(String message) {
        return new RequestRejectedException(400, message);
    }

    public static RequestRejectedException unauthorized(String message) {
        return new RequestRejectedException(401, message);
    }

    public static RequestRejectedException notFound(String message) {
        return new RequestRejectedException(404, message);
    }

    public static RequestRejectedException saturated(String message, int retryAfterSeconds) {
        return new RequestRejectedException(503, message, retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
