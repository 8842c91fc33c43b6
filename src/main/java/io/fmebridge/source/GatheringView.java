package io.fmebridge.source;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.RecoverableAggregationRepository;

/** How many messages of a source the aggregator is still gathering, for the source's stats. */
public final class GatheringView {
    private final CamelContext camel;
    private final RecoverableAggregationRepository repository;

    public GatheringView(CamelContext camel, RecoverableAggregationRepository repository) {
        this.camel = camel;
        this.repository = repository;
    }

    public long gathering(String sourceId) {
        long count = 0;
        for (String key : repository.getKeys()) {
            if (key.equals(sourceId)) {
                count += size(repository.get(camel, key));
            }
        }
        for (String id : repository.scan(camel)) {
            Exchange completed = repository.recover(camel, id);
            GatheredBatch batch = completed == null ? null : completed.getIn().getBody(GatheredBatch.class);
            if (batch != null && batch.sourceId().equals(sourceId)) {
                count += batch.size();
            }
        }
        return count;
    }

    private static long size(Exchange exchange) {
        GatheredBatch batch = exchange == null ? null : exchange.getIn().getBody(GatheredBatch.class);
        return batch == null ? 0 : batch.size();
    }
}
