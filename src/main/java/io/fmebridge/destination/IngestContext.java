package io.fmebridge.destination;

import io.fmebridge.settings.Destination;
import io.fmebridge.settings.Environment;

/** Who a request was for and when it arrived; the same for every message of the request. */
public record IngestContext(Destination destination, Environment environment, long receivedAt) {
}
