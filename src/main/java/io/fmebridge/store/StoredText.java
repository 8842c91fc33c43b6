package io.fmebridge.store;

/**
 * Text as the store keeps it. PostgreSQL refuses the NUL character in text, so a message naming an
 * event "a\u0000b" would fail its whole request there, every time it is retried. NUL becomes
 * U+FFFD (the replacement character) on every database alike, so both keep the same text.
 */
public final class StoredText {
    private StoredText() {
    }

    public static String of(String text) {
        return text == null || text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
    }

    /** Cut to the column's length, then cleaned. */
    public static String of(String text, int maxLength) {
        return of(text == null || text.length() <= maxLength ? text : text.substring(0, maxLength));
    }

    /** A value bound to a statement: text is cleaned, anything else goes as it is. */
    static Object value(Object value) {
        return value instanceof String s ? of(s) : value;
    }
}
