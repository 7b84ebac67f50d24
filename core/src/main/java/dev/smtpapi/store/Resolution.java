package dev.smtpapi.store;

import dev.smtpapi.token.TrackingToken;
import java.util.Objects;
import java.util.Optional;

/** Everything an event needs about a verified token: its message, its recipient and, for clicks, its link. */
public final class Resolution {
    private final TrackingToken token;
    private final MessageRecord message;
    private final RecipientRecord recipient;
    private final Optional<LinkRecord> link;

    private Resolution(TrackingToken token, MessageRecord message, RecipientRecord recipient,
            Optional<LinkRecord> link) {
        this.token = Objects.requireNonNull(token, "token");
        this.message = Objects.requireNonNull(message, "message");
        this.recipient = Objects.requireNonNull(recipient, "recipient");
        this.link = Objects.requireNonNull(link, "link");
    }

    static Resolution of(TrackingToken token, MessageRecord message, RecipientRecord recipient,
            Optional<LinkRecord> link) {
        return new Resolution(token, message, recipient, link);
    }

    public TrackingToken token() {
        return token;
    }

    public MessageRecord message() {
        return message;
    }

    public RecipientRecord recipient() {
        return recipient;
    }

    /** The clicked link; empty for opens. */
    public Optional<LinkRecord> link() {
        return link;
    }
}
