package dev.smtpapi.tracker.event;

import java.util.Optional;

/** The engagement events the tracker records, named as SparkPost names them. */
public enum EventType {
    CLICK("click"),
    LINK_UNSUBSCRIBE("link_unsubscribe"),
    OPEN("open"),
    INITIAL_OPEN("initial_open"),
    /** A one-click unsubscribe (RFC 8058) through the List-Unsubscribe header: neither an open nor a click. */
    LIST_UNSUBSCRIBE("list_unsubscribe");

    private final String code;

    EventType(String code) {
        this.code = code;
    }

    /** The value of the event's {@code type} field. */
    public String code() {
        return code;
    }

    public boolean isClick() {
        return this == CLICK || this == LINK_UNSUBSCRIBE;
    }

    public static Optional<EventType> fromCode(String code) {
        for (EventType type : values()) {
            if (type.code.equals(code)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
