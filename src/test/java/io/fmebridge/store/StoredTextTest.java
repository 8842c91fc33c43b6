package io.fmebridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Text reaches either database without NUL, which PostgreSQL refuses. */
class StoredTextTest {

    @Test
    void nulBecomesTheReplacementCharacter() {
        assertThat(StoredText.of("Nul\u0000Event\u0000")).isEqualTo("Nul\uFFFDEvent\uFFFD");
    }

    @Test
    void textWithoutNulIsKeptAsItIs() {
        String text = "é ü \u2603";
        assertThat(StoredText.of(text)).isSameAs(text);
        assertThat(StoredText.of(null)).isNull();
    }

    @Test
    void textIsCutToTheColumnThenCleaned() {
        assertThat(StoredText.of("ab\u0000cdef", 4)).isEqualTo("ab\uFFFDc");
    }

    @Test
    void onlyTextValuesAreChanged() {
        assertThat(StoredText.value(42L)).isEqualTo(42L);
        assertThat(StoredText.value("a\u0000")).isEqualTo("a\uFFFD");
    }
}
