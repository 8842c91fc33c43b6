package io.fmebridge.api;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.fmebridge.destination.DropReason;
import io.fmebridge.settings.SettingsRegistry;
import io.fmebridge.store.QueryRepository;
import io.fmebridge.store.QueryRepository.DestinationStats;
import io.fmebridge.store.QueryRepository.DropView;
import io.fmebridge.store.QueryRepository.EventTypeView;
import io.fmebridge.store.QueryRepository.EventView;
import io.fmebridge.store.QueryRepository.IdentityView;

/** The query API of contract section 4: what FME shows for analysis. Guarded by {@link AdminTokenFilter}. */
@RestController
public class QueryController {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final QueryRepository queries;
    private final SettingsRegistry settings;

    public QueryController(QueryRepository queries, SettingsRegistry settings) {
        this.queries = queries;
        this.settings = settings;
    }

    @GetMapping("/api/environments/{env}/events")
    public List<EventView> events(@PathVariable String env, @RequestParam(required = false) String trafficType,
                                  @RequestParam(required = false) String eventTypeId, @RequestParam(required = false) String key,
                                  @RequestParam(required = false) String destination,
                                  @RequestParam(required = false) String limit) {
        knownEnvironment(env);
        return queries.events(env, blankToNull(trafficType), blankToNull(eventTypeId), blankToNull(key), blankToNull(destination),
                limit(limit));
    }

    @GetMapping("/api/environments/{env}/event-types")
    public List<EventTypeView> eventTypes(@PathVariable String env, @RequestParam(required = false) String trafficType) {
        knownEnvironment(env);
        return queries.eventTypes(env, blankToNull(trafficType));
    }

    @GetMapping("/api/environments/{env}/traffic-types/{trafficType}/identities/{key}")
    public ResponseEntity<IdentityView> identity(@PathVariable String env, @PathVariable String trafficType, @PathVariable String key) {
        knownEnvironment(env);
        return queries.identity(env, trafficType, key).map(ResponseEntity::ok)
                .orElseThrow(() -> RequestRejectedException.notFound("no identity '" + key + "' of traffic type '" + trafficType + "'"));
    }

    @GetMapping("/api/environments/{env}/impressions")
    public List<QueryRepository.ImpressionView> impressions(@PathVariable String env, @RequestParam(required = false) String split,
                                                            @RequestParam(required = false) String key,
                                                            @RequestParam(required = false) String limit) {
        knownEnvironment(env);
        return queries.impressions(env, blankToNull(split), blankToNull(key), limit(limit));
    }

    @GetMapping("/api/destinations/{id}/stats")
    public DestinationStats destinationStats(@PathVariable String id) {
        knownDestination(id);
        return queries.destinationStats(id);
    }

    @GetMapping("/api/destinations/{id}/dropped")
    public List<DropView> dropped(@PathVariable String id, @RequestParam(required = false) String reason,
                                  @RequestParam(required = false) String limit) {
        knownDestination(id);
        String r = blankToNull(reason);
        if (r != null && java.util.Arrays.stream(DropReason.values()).noneMatch(d -> d.code().equals(r))) {
            throw RequestRejectedException.badRequest("unknown reason '" + r + "'");
        }
        return queries.dropped(id, r, limit(limit));
    }

    private void knownEnvironment(String env) {
        if (settings.current().environment(env).isEmpty()) {
            throw RequestRejectedException.notFound("unknown environment '" + env + "'");
        }
    }

    private void knownDestination(String id) {
        if (settings.current().destination(id).isEmpty()) {
            throw RequestRejectedException.notFound("unknown destination '" + id + "'");
        }
    }

    static int limit(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            long n = Long.parseLong(text.trim());
            if (n < 1) {
                throw RequestRejectedException.badRequest("limit must be at least 1");
            }
            return (int) Math.min(n, MAX_LIMIT);
        } catch (NumberFormatException e) {
            throw RequestRejectedException.badRequest("limit must be a whole number, not '" + text + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
