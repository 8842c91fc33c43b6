package io.fmebridge.store;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import io.fmebridge.destination.MappingResult;

/** Gathers the splitter's per-message results into one {@link WriteSet}. */
public class WriteSetAggregator implements AggregationStrategy {
    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        Exchange target = oldExchange == null ? newExchange : oldExchange;
        WriteSet writeSet = oldExchange == null ? new WriteSet() : oldExchange.getIn().getBody(WriteSet.class);
        MappingResult result = newExchange.getIn().getBody(MappingResult.class);
        if (result != null) {
            writeSet.add(result);
        }
        target.getIn().setBody(writeSet);
        return target;
    }
}
