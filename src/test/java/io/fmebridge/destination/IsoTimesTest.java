package io.fmebridge.destination;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The plain-form reader gives what java.time gives, and leaves every other form to it. */
class IsoTimesTest {

    @Test
    void plainTimesReadAsJavaTimeReadsThem() {
        Random random = new Random(42);
        String[] fractions = {"", ".1", ".12", ".123", ".1234", ".123456", ".123456789"};
        String[] offsets = {"Z", "+00:00", "+02:00", "-05:30", "+14:00", "-18:00", "+18:00"};
        for (int i = 0; i < 20_000; i++) {
            int year = 1 + random.nextInt(9998);
            int month = 1 + random.nextInt(12);
            int day = 1 + random.nextInt(java.time.YearMonth.of(year, month).lengthOfMonth());
            String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", year, month, day, random.nextInt(24), random.nextInt(60),
                    random.nextInt(60), fractions[random.nextInt(fractions.length)], offsets[random.nextInt(offsets.length)]);
            long expected = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
            assertThat(IsoTimes.epochMillis(text)).as(text).isEqualTo(expected);
        }
        assertThat(IsoTimes.epochMillis("2024-02-29T23:59:59.999Z")).isEqualTo(1_709_251_199_999L);
        assertThat(IsoTimes.epochMillis("1970-01-01T00:00:00Z")).isZero();
    }

    @Test
    void otherFormsAreLeftToTheGeneralParser() {
        for (String text : new String[] {"2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-28T24:00:00Z",
                "2026-11-28T10:00:60Z", "2026-11-28T10:00:00", "2026-11-28T10:00:00z", "2026-11-28 10:00:00Z",
                "2026-11-28T10:00:00.Z", "2026-11-28T10:00:00.1234567890Z", "2026-11-28T10:00:00+19:00",
                "2026-11-28T10:00:00+02:00:30", "+2026-11-28T10:00:00Z", "2026-11-28T10:00Z", "not a time", ""}) {
            assertThat(IsoTimes.epochMillis(text)).as(text).isEqualTo(IsoTimes.NOT_PLAIN);
        }
    }
}
