package io.fmebridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The jar started as {@code bin/start.sh} starts it: Linux runs the mapping behind the journal at
 * nice 19 and the threads every 200 waits for at nice 0 (docs/decisions.md).
 */
class MappingPriorityIT {

    @Test
    void linuxRunsTheMappingAtNice19AndTheDoorAtNice0() throws Exception {
        int port = PackagedService.freePort();
        Path dataDir = Path.of("target/test-data/priority-" + UUID.randomUUID());
        Process service = PackagedService.start(dataDir, port, "src/test/resources/integrations-test.yml", "t", "priority");
        try {
            Map<String, Integer> nice = Map.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // H2's writer is lowered by a rescan
            while (System.nanoTime() < deadline) {
                nice = niceByThreadName(service.pid());
                if (Integer.valueOf(19).equals(nice.get("journal-segment")) && Integer.valueOf(19).equals(nice.get("MVStore backgro"))) {
                    break;
                }
                Thread.sleep(200);
            }
            // Linux keeps the first 15 characters of a thread's name
            assertThat(nice).containsEntry("journal-segment", 19).containsEntry("journal-impress", 19)
                    .containsEntry("group-commit-wr", 19).containsEntry("MVStore backgro", 19);
            assertThat(nice).containsEntry("journal-writer", 0);
            assertThat(nice.entrySet().stream().filter(e -> e.getKey().startsWith("http-nio-")))
                    .isNotEmpty().allSatisfy(e -> assertThat(e.getValue()).isZero());
        } finally {
            service.destroy();
            service.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Each thread's nice value from /proc, by its name as Linux has it; the highest when several share one. */
    private static Map<String, Integer> niceByThreadName(long pid) throws IOException {
        Map<String, Integer> nice = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    String stat = Files.readString(task.resolve("stat"));
                    // after "(name)": state is field 3, nice field 19
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    nice.merge(name, Integer.parseInt(fields[16]), Math::max);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return nice;
    }
}
