package dev.smtpapi.suppression;

import java.util.Optional;

/** How a recipient came onto the suppression list, with SparkPost's labels for the {@code source} field. */
public enum SuppressionSource {
    /** A one-click unsubscribe (RFC 8058) through the {@code List-Unsubscribe} header. */
    LIST_UNSUBSCRIBE("List Unsubscribe"),
    /** A click on a link marked {@code data-msys-unsubscribe="1"}. */
    LINK_UNSUBSCRIBE("Link Unsubscribe"),
    /** Put there through the API. */
    MANUALLY_ADDED("Manually Added");

    private final String label;

    SuppressionSource(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Optional<SuppressionSource> fromLabel(String label) {
        for (SuppressionSource source : values()) {
            if (source.label.equals(label)) {
                return Optional.of(source);
            }
        }
        return Optional.empty();
    }
}
