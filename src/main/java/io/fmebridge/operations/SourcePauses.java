package io.fmebridge.operations;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/** Sources whose delivery is paused (from JMX); their batches wait in the outbox. */
@Component
public class SourcePauses {
    private final Set<String> paused = ConcurrentHashMap.newKeySet();

    public void pause(String sourceId) {
        paused.add(sourceId);
    }

    public void resume(String sourceId) {
        paused.remove(sourceId);
    }

    public boolean isPaused(String sourceId) {
        return paused.contains(sourceId);
    }

    public Set<String> paused() {
        return Set.copyOf(paused);
    }
}
