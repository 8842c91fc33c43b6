package io.fmebridge.store;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import io.fmebridge.destination.MappingResult;

/**
 * Gathers the splitter's per-message results into one {@link WriteSet}; the write sets of several
 * requests (one poll of the queue) likewise into one.
 */
public class WriteSetAggregator implements AggregationStrategy {
    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        Exchange target = oldExchange == null ? newExchange : oldExchange;
        WriteSet writeSet = oldExchange == null ? new WriteSet() : oldExchange.getIn().getBody(WriteSet.class);
        Object body = newExchange.getIn().getBody();
        if (body instanceof MappingResult result) {
            writeSet.add(result);
        } else if (body instanceof WriteSet other && other != writeSet) {
            other.results().forEach(writeSet::add);
            writeSet.impressions().addAll(other.impressions());
            writeSet.positions().addAll(other.positions());
        }
        target.getIn().setBody(writeSet);
        return target;
    }
}
