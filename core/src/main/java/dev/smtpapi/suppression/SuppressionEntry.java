package dev.smtpapi.suppression;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the suppression list, with SparkPost's fields: a recipient does not get mail of {@link #type()}
 * since {@link #created()}. A recipient may have one entry of each type.
 */
public record SuppressionEntry(SuppressedAddress recipient, SuppressionType type, SuppressionSource source,
        String description, Instant created, Instant updated) {
    public SuppressionEntry {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(updated, "updated");
    }

    /** A new entry, created and updated now. */
    public static SuppressionEntry of(SuppressedAddress recipient, SuppressionType type, SuppressionSource source,
            String description, Instant now) {
        return new SuppressionEntry(recipient, type, source, description, now, now);
    }

    /** This entry changed by a later request: same recipient, type and creation time. */
    public SuppressionEntry updatedBy(SuppressionEntry later) {
        return new SuppressionEntry(recipient, type, later.source, later.description, created, later.updated);
    }
}
