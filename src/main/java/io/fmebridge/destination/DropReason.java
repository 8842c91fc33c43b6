package io.fmebridge.destination;

import java.util.Locale;

/** Why a message, an event or an attribute was not stored (contract 3.5). */
public enum DropReason {
    INVALID_MESSAGE,
    MESSAGE_TOO_LARGE,
    MISSING_IDENTITY,
    INVALID_KEY,
    MISSING_EVENT_TYPE_ID,
    INVALID_EVENT_TYPE_ID,
    PROPERTIES_TOO_LARGE,
    UNKNOWN_TRAFFIC_TYPE,
    ATTRIBUTE_TOO_LONG,
    IDENTIFY_DISABLED,
    TRACK_DISABLED,
    PAGE_DISABLED,
    SCREEN_DISABLED,
    UNNAMED_PAGE,
    UNNAMED_SCREEN,
    UNSUPPORTED_TYPE,
    DUPLICATE;

    /** The code as the API and the database show it, e.g. {@code attribute_too_long}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
