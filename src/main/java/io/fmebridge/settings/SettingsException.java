package io.fmebridge.settings;

/** A settings file that can't be used; the message names the file, the entry and the problem. */
public class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }

    public SettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
