package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * In the running service (embedded store, the journal) the mapping behind the log runs at the
 * lowest priority and what every 200 waits for does not (fme.ingest.mapping-priority=low, the default).
 */
class MappingThreadsTest extends RunningServiceTest {

    @Test
    void theMappingRunsAtTheLowestPriorityAndTheDoorAtTheNormalOne() {
        String user = unique("priority");
        assertThat(post("/v1/track", "{\"event\": \"prioritised\", \"userId\": \"" + user + "\"}",
                "Authorization", basic("web-api-key-1")).status()).isEqualTo(200);
        awaitCaughtUp(port);

        List<String> mapping = List.of("journal-segment", "journal-impressions", "group-commit-writer");
        Map<String, Integer> priorities = eventually(MappingThreadsTest::priorities,
                p -> mapping.stream().allMatch(n -> Integer.valueOf(Thread.MIN_PRIORITY).equals(p.get(n)))
                        && p.entrySet().stream().anyMatch(e -> e.getKey().startsWith("MVStore background writer")
                        && e.getValue() == Thread.MIN_PRIORITY),
                Duration.ofSeconds(15));
        for (String name : mapping) {
            assertThat(priorities).as(name).containsEntry(name, Thread.MIN_PRIORITY);
        }
        assertThat(priorities).as("the journal's writer").containsEntry("journal-writer", Thread.NORM_PRIORITY);
        assertThat(priorities.entrySet().stream().filter(e -> e.getKey().startsWith("http-nio-")))
                .as("request threads").isNotEmpty().allSatisfy(e -> assertThat(e.getValue()).isEqualTo(Thread.NORM_PRIORITY));
    }

    private static Map<String, Integer> priorities() {
        return Thread.getAllStackTraces().keySet().stream()
                .collect(Collectors.toMap(Thread::getName, Thread::getPriority, Math::min));
    }
}
