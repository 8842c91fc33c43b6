package io.fmebridge.destination;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An FME event, as stored and as the query API shows it (contract 3.4, 4). Times are epoch ms.
 * {@code propertiesJson} is {@code properties} as written once, for the size check and the store.
 */
public record FmeEvent(
        String environmentId,
        String destinationId,
        String trafficType,
        String key,
        String eventTypeId,
        Double value,
        long timestamp,
        ObjectNode properties,
        String messageId,
        long receivedAt,
        String propertiesJson) {
}
