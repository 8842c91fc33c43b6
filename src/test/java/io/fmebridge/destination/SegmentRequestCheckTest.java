package io.fmebridge.destination;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fmebridge.Wiring;
import io.fmebridge.api.RequestRejectedException;

/**
 * Issue 12: the door checks a request without building its messages, and mapping parses it again
 * behind the journal. Both must agree, or a request answered 200 could fail when mapped (or one
 * refused could have been taken): on every body of the bad-input corpus, and a few more, the
 * check refuses exactly what the parser refuses, with the same answer, and finds the same writeKey.
 */
class SegmentRequestCheckTest {
    private final SegmentRequestParser parser = new SegmentRequestParser(Wiring.segmentJson(), 32 * 1024, 2500);

    static Stream<Object[]> bodies() throws IOException {
        Stream<Object[]> corpus = Files.list(Path.of("src/test/resources/bad-input")).filter(p -> !p.getFileName().toString().startsWith("_"))
                .sorted().map(p -> {
                    try {
                        return new Object[] {p.getFileName().toString(), Files.readAllBytes(p)};
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        Stream<Object[]> more = Stream.of(
                "{\"writeKey\": \"k-1\", \"batch\": [{\"type\": \"track\"}]}",
                "{\"batch\": [], \"writeKey\": \"k-2\"}",
                "{\"batch\": [{}], \"batch\": [{}]}",
                "{\"batch\": 5}",
                "{\"writeKey\": 7, \"type\": \"track\"}",
                "{\"type\": \"track\", \"properties\": {\"n\": 1e99999999999}}",
                "[{\"type\": \"track\", \"properties\": {\"n\": 123456789012345678901234567890}}]",
                "{\"type\": \"track\"} {\"type\": \"track\"}",
                "  \n ",
                "[" + "{},".repeat(2500) + "{}]",
                "{\"type\": \"track\", \"properties\": {\"pad\": \"" + "x".repeat(33 * 1024) + "\"}}",
                "{\"batch\": [{\"type\": \"track\", \"properties\": {\"pad\": \"" + "x".repeat(33 * 1024) + "\"}}]}")
                .map(text -> new Object[] {text.isBlank() ? "(blank)" : text.length() > 60 ? text.substring(0, 60) + "..." : text,
                        text.getBytes(StandardCharsets.UTF_8)});
        return Stream.concat(corpus, more);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void theCheckAtTheDoorAnswersAsTheParserBehindTheJournal(String name, byte[] body) {
        assertThat(outcome(() -> parser.check(body))).isEqualTo(outcome(() -> parser.parse(body, null).writeKey()));
    }

    private static String outcome(java.util.function.Supplier<String> call) {
        try {
            return "accepted, writeKey " + call.get();
        } catch (RequestRejectedException e) {
            return e.status() + " " + e.getMessage();
        }
    }
}
