package dev.smtpapi.store;

import dev.smtpapi.token.TrackingToken;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything an event needs about a verified token: its message, its recipient and, for clicks, its link.
 *
 * @param link the clicked link; empty for opens
 */
public record Resolution(TrackingToken token, MessageRecord message, RecipientRecord recipient,
        Optional<LinkRecord> link) {
    public Resolution {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(link, "link");
    }

    public static Resolution of(TrackingToken token, MessageRecord message, RecipientRecord recipient,
            Optional<LinkRecord> link) {
        return new Resolution(token, message, recipient, link);
    }
}
