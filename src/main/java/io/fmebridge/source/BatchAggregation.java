package io.fmebridge.source;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The aggregator's strategy for one source's batch (contract 5.2):
 * <ul>
 * <li>merges the pieces of the batch;</li>
 * <li>completes the batch gathered so far when the next piece would take it over
 * {@code maxMessages} or {@code maxBytes} (pre-completion), so that no request is too large;</li>
 * <li>gives the completion timeout: {@code maxDelay} after the batch's first message, or at once
 * when the piece fills the batch.</li>
 * </ul>
 * Camel's aggregator evaluates the timeout on the incoming piece, before it joins, so the
 * strategy remembers when each source's current batch started. After a restart that memory is
 * rebuilt from the batches in the repository, which carry their start time.
 */
public class BatchAggregation implements AggregationStrategy {
    private record Group(String exchangeId, long startedAt, long maxDelay, GatheredBatch sizes) {
    }

    private final Map<String, Group> groups = new ConcurrentHashMap<>();

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
        if (gathered.fits(next)) {
            return false;
        }
        groups.remove(gathered.sourceId()); // the next piece starts a new batch
        return true;
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        GatheredBatch next = newExchange.getIn().getBody(GatheredBatch.class);
        if (oldExchange == null) {
            groups.put(next.sourceId(), new Group(newExchange.getExchangeId(), next.createdAt(), next.maxDelayMillis(), copyOf(next)));
            return newExchange;
        }
        GatheredBatch gathered = oldExchange.getIn().getBody(GatheredBatch.class);
        gathered.addAll(next);
        oldExchange.getIn().setBody(gathered);
        groups.put(gathered.sourceId(), new Group(oldExchange.getExchangeId(), gathered.createdAt(), gathered.maxDelayMillis(),
                copyOf(gathered)));
        return oldExchange;
    }

    @Override
    public void onCompletion(Exchange exchange) {
        GatheredBatch batch = exchange.getIn().getBody(GatheredBatch.class);
        if (batch != null) {
            groups.computeIfPresent(batch.sourceId(), (k, g) -> g.exchangeId().equals(exchange.getExchangeId()) ? null : g);
        }
    }

    /**
     * The completion timeout for a piece about to join its source's batch: 1 ms when the batch
     * would then be full, else what is left of {@code maxDelay} since the batch's first message.
     */
    public long timeoutFor(GatheredBatch piece) {
        Group group = groups.get(piece.sourceId());
        if (group == null || !group.sizes().fits(piece)) {
            return piece.full() ? 1 : piece.remainingDelayMillis();
        }
        GatheredBatch merged = copyOf(group.sizes());
        merged.addAll(piece);
        if (merged.full()) {
            return 1;
        }
        return Math.max(1, group.startedAt() + group.maxDelay() - System.currentTimeMillis());
    }

    /** A batch with the same counts, without the messages: enough to check what fits. */
    private static GatheredBatch copyOf(GatheredBatch batch) {
        return batch.countsOnly();
    }
}
