package io.fmebridge.destination;

import java.util.List;

/**
 * What one Segment message becomes: events, identity updates and drops. A message counts as
 * stored when it stored anything.
 */
public record MappingResult(String destinationId, String messageId, List<FmeEvent> events,
                            List<IdentityUpdate> identities, List<Drop> drops) {
    static final String DUPLICATE_DETAIL = "messageId was already received by this destination";

    public boolean stored() {
        return !events.isEmpty() || !identities.isEmpty();
    }

    public boolean duplicate() {
        return drops.size() == 1 && drops.get(0).reason() == DropReason.DUPLICATE && !stored();
    }

    /**
     * This message as a duplicate after all: the store found its messageId already taken in (by
     * another instance sharing the database). Nothing of it is stored; it counts as a duplicate.
     */
    public MappingResult asDuplicate() {
        long receivedAt = !drops.isEmpty() ? drops.get(0).receivedAt()
                : !events.isEmpty() ? events.get(0).receivedAt()
                : !identities.isEmpty() ? identities.get(0).updatedAt() : System.currentTimeMillis();
        return new MappingResult(destinationId, messageId, List.of(), List.of(),
                List.of(new Drop(destinationId, messageId, DropReason.DUPLICATE, DUPLICATE_DETAIL, receivedAt)));
    }
}
