package io.fmebridge.store;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import io.fmebridge.destination.MappingResult;

/**
 * Gathers the splitter's per-message results into one {@link WriteSet}. A message that passed
 * the idempotent consumer holds a claim on its messageId, carried in the {@code dedupeKey} header.
 */
public class WriteSetAggregator implements AggregationStrategy {
    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        Exchange target = oldExchange == null ? newExchange : oldExchange;
        WriteSet writeSet = oldExchange == null ? new WriteSet() : oldExchange.getIn().getBody(WriteSet.class);
        MappingResult result = newExchange.getIn().getBody(MappingResult.class);
        boolean duplicate = Boolean.TRUE.equals(newExchange.getProperty(Exchange.DUPLICATE_MESSAGE, Boolean.class));
        String claim = duplicate ? null : newExchange.getIn().getHeader("dedupeKey", String.class);
        if (result != null) {
            writeSet.add(result, claim);
        }
        target.getIn().setBody(writeSet);
        return target;
    }
}
