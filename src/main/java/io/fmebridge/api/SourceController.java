package io.fmebridge.api;

import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.fmebridge.settings.SettingsRegistry;
import io.fmebridge.settings.Source;
import io.fmebridge.source.GatheringView;
import io.fmebridge.store.OutboxRepository;
import io.fmebridge.store.OutboxRepository.DeadLetterView;
import io.fmebridge.store.OutboxRepository.SourceStats;

/** The delivery API of contract 5.3. Guarded by {@link AdminTokenFilter}. */
@RestController
public class SourceController {
    private final OutboxRepository outbox;
    private final GatheringView gathering;
    private final SettingsRegistry settings;

    public SourceController(OutboxRepository outbox, GatheringView gathering, SettingsRegistry settings) {
        this.outbox = outbox;
        this.gathering = gathering;
        this.settings = settings;
    }

    @GetMapping("/api/sources/{id}/stats")
    public SourceStats stats(@PathVariable String id) {
        source(id);
        return outbox.stats(id, gathering.gathering(id));
    }

    @GetMapping("/api/sources/{id}/dead-letters")
    public List<DeadLetterView> deadLetters(@PathVariable String id, @RequestParam(required = false) String limit) {
        source(id);
        return outbox.deadLetters(id, QueryController.limit(limit));
    }

    @PostMapping("/api/sources/{id}/dead-letters/replay")
    public Map<String, Integer> replay(@PathVariable String id) {
        Source source = source(id);
        return Map.of("replayed", outbox.replay(id, source.maxMessages(), source.maxBytes()));
    }

    private Source source(String id) {
        return settings.current().source(id).orElseThrow(() -> RequestRejectedException.notFound("unknown source '" + id + "'"));
    }
}
