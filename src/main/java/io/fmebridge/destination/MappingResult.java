package io.fmebridge.destination;

import java.util.List;

/**
 * What one Segment message becomes: events, identity updates and drops. A message counts as
 * stored when it stored anything.
 */
public record MappingResult(String destinationId, String messageId, List<FmeEvent> events,
                            List<IdentityUpdate> identities, List<Drop> drops) {

    public boolean stored() {
        return !events.isEmpty() || !identities.isEmpty();
    }

    public boolean duplicate() {
        return drops.size() == 1 && drops.get(0).reason() == DropReason.DUPLICATE && !stored();
    }
}
