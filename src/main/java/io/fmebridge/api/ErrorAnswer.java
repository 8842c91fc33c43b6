package io.fmebridge.api;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.fmebridge.store.SeenMessages;

/**
 * Turns the exception a route caught into the answer of contract 3.3. A refusal keeps its
 * status and text; anything unforeseen becomes 503 with {@code Retry-After}, so that Segment
 * retries, never a 500 or a stack trace.
 */
@Component("errorAnswer")
public class ErrorAnswer implements Processor {
    private static final Logger log = LoggerFactory.getLogger(ErrorAnswer.class);
    private final int retryAfterSeconds;

    public ErrorAnswer(io.fmebridge.settings.FmeProperties properties) {
        this.retryAfterSeconds = properties.ingest().retryAfterSeconds();
    }

    @Override
    public void process(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // Nothing of a refused request is kept, so the messageIds it claimed may come again.
        SeenMessages.Claims claims = exchange.getProperty(SeenMessages.CLAIMS, SeenMessages.Claims.class);
        if (claims != null) {
            claims.releaseUnlessHandedToWriter();
        }
        int status;
        String message;
        Integer retryAfter;
        RequestRejectedException rejected = refusalIn(caught);
        if (rejected != null) {
            status = rejected.status();
            message = rejected.getMessage();
            retryAfter = rejected.retryAfterSeconds();
        } else {
            log.warn("route={} destination={} failed; answered 503", exchange.getFromRouteId(),
                    exchange.getMessage().getHeader("destinationId"), caught);
            status = 503;
            message = "the service could not take this request now; retry later";
            retryAfter = retryAfterSeconds;
        }
        var out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (retryAfter != null) {
            out.setHeader("Retry-After", String.valueOf(retryAfter));
        }
        out.setBody(JsonAnswers.error(message));
    }

    /** A refusal, also when a splitter or aggregator wrapped it in an exception of its own. */
    private static RequestRejectedException refusalIn(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RequestRejectedException rejected) {
                return rejected;
            }
        }
        return null;
    }
}
