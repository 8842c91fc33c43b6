package io.fmebridge.source;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The aggregator's strategy: merges the pieces of one source's batch, and completes the batch
 * gathered so far when the next piece would take it over {@code maxMessages} or {@code maxBytes},
 * so that no request to Segment is ever larger than allowed.
 */
public class BatchAggregation implements AggregationStrategy {

    @Override
    public boolean canPreComplete() {
        return true;
    }

    @Override
    public boolean preComplete(Exchange oldExchange, Exchange newExchange) {
        if (oldExchange == null) {
            return false;
        }
        GatheredBatch gathered = oldExchange.getIn().getBody(GatheredBatch.class);
        GatheredBatch next = newExchange.getIn().getBody(GatheredBatch.class);
        return !gathered.fits(next);
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        if (oldExchange == null) {
            return newExchange;
        }
        GatheredBatch gathered = oldExchange.getIn().getBody(GatheredBatch.class);
        gathered.addAll(newExchange.getIn().getBody(GatheredBatch.class));
        oldExchange.getIn().setBody(gathered);
        return oldExchange;
    }
}
