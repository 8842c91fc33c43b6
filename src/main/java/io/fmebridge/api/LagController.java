package io.fmebridge.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.fmebridge.queue.JournalLag;
import io.fmebridge.queue.LogEntry;

/**
 * {@code GET /api/lag}: how far mapping is behind what was answered 200, measured at the call.
 * {@code entries} 0 means every request answered so far is queryable. Guarded by {@link AdminTokenFilter}.
 */
@RestController
public class LagController {
    private final ObjectProvider<JournalLag> lag;

    public LagController(ObjectProvider<JournalLag> lag) {
        this.lag = lag;
    }

    @GetMapping("/api/lag")
    public Map<String, Object> lag() {
        JournalLag journal = lag.getIfAvailable();
        Map<String, Object> answer = new LinkedHashMap<>();
        if (journal == null) {
            // with Kafka the consumers' lag is in /actuator/prometheus (kafka_consumer_fetch_manager_records_lag)
            answer.put("queue", "kafka");
            answer.put("entries", null);
            answer.put("seconds", null);
            return answer;
        }
        JournalLag.Snapshot s = journal.now();
        answer.put("queue", "journal");
        answer.put("entries", s.entries());
        answer.put("seconds", s.seconds());
        for (var log : s.logs().entrySet()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("entries", log.getValue().entries());
            one.put("seconds", log.getValue().seconds());
            one.put(LogEntry.SEGMENT.equals(log.getKey()) ? "destinations" : "environments", log.getValue().byTarget());
            answer.put(log.getKey(), one);
        }
        return answer;
    }
}
