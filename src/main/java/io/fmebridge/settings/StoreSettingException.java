package io.fmebridge.settings;

/** {@code fme.store} and {@code spring.datasource.*} that don't go together; the message says which setting to change. */
public class StoreSettingException extends RuntimeException {
    public StoreSettingException(String message) {
        super(message);
    }
}
