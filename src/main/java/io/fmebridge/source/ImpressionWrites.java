package io.fmebridge.source;

import java.util.ArrayList;
import java.util.List;

import io.fmebridge.source.ImpressionParser.ImpressionCount;

/** What an impressions request stores besides its batches: the impressions, counts and dead letters. */
public record ImpressionWrites(List<Stored> impressions, List<ImpressionCount> counts, String environmentId,
                              List<DeadLetter> deadLetters, long receivedAt, java.util.Map<String, Integer> accepted) {

    /** An impression as the query API shows it, with the traffic type it was sent under. */
    public record Stored(Impression impression, String trafficType) {
    }

    public static ImpressionWrites of(String environmentId, long receivedAt) {
        return new ImpressionWrites(new ArrayList<>(), new ArrayList<>(), environmentId, new ArrayList<>(), receivedAt,
                new java.util.LinkedHashMap<>());
    }

    public boolean isEmpty() {
        return impressions.isEmpty() && counts.isEmpty() && deadLetters.isEmpty();
    }
}
