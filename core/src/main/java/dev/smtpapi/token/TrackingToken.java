package dev.smtpapi.token;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * What a token stands for: one recipient of one message, and for clicks one link of that message.
 * The message key and indexes point into tag storage; the token itself reveals neither address nor target.
 * Expiry has a resolution of one second.
 */
public final class TrackingToken {
    private final TokenKind kind;
    private final UUID messageKey;
    private final int recipientIndex;
    private final int linkIndex;
    private final Instant expiry;

    private TrackingToken(TokenKind kind, UUID messageKey, int recipientIndex, int linkIndex, Instant expiry) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.messageKey = Objects.requireNonNull(messageKey, "messageKey");
        if (recipientIndex < 0) {
            throw new IllegalArgumentException("recipientIndex must be >= 0, was " + recipientIndex);
        }
        if (kind.hasLink() && linkIndex < 0) {
            throw new IllegalArgumentException("linkIndex must be >= 0 for a click, was " + linkIndex);
        }
        long seconds = Objects.requireNonNull(expiry, "expiry").getEpochSecond();
        if (seconds < 0 || seconds > TokenCodec.MAX_EXPIRY_SECONDS) {
            throw new IllegalArgumentException("expiry must be between 1970 and 2106, was " + expiry);
        }
        this.recipientIndex = recipientIndex;
        this.linkIndex = kind.hasLink() ? linkIndex : -1;
        this.expiry = Instant.ofEpochSecond(seconds);
    }

    public static TrackingToken click(UUID messageKey, int recipientIndex, int linkIndex, Instant expiry) {
        return new TrackingToken(TokenKind.CLICK, messageKey, recipientIndex, linkIndex, expiry);
    }

    public static TrackingToken open(UUID messageKey, int recipientIndex, Instant expiry) {
        return new TrackingToken(TokenKind.OPEN, messageKey, recipientIndex, -1, expiry);
    }

    public static TrackingToken initialOpen(UUID messageKey, int recipientIndex, Instant expiry) {
        return new TrackingToken(TokenKind.INITIAL_OPEN, messageKey, recipientIndex, -1, expiry);
    }

    /** The {@code List-Unsubscribe} token of one recipient's copy (RFC 8058 one-click). */
    public static TrackingToken unsubscribe(UUID messageKey, int recipientIndex, Instant expiry) {
        return new TrackingToken(TokenKind.UNSUBSCRIBE, messageKey, recipientIndex, -1, expiry);
    }

    static TrackingToken of(TokenKind kind, UUID messageKey, int recipientIndex, int linkIndex, Instant expiry) {
        return new TrackingToken(kind, messageKey, recipientIndex, linkIndex, expiry);
    }

    public TokenKind kind() {
        return kind;
    }

    public UUID messageKey() {
        return messageKey;
    }

    public int recipientIndex() {
        return recipientIndex;
    }

    /** The link's index in the message's link table; empty for opens. */
    public OptionalInt linkIndex() {
        return kind.hasLink() ? OptionalInt.of(linkIndex) : OptionalInt.empty();
    }

    public Instant expiry() {
        return expiry;
    }

    public boolean isExpiredAt(Instant now) {
        return now.isAfter(expiry);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof TrackingToken)) {
            return false;
        }
        TrackingToken that = (TrackingToken) other;
        return kind == that.kind && recipientIndex == that.recipientIndex && linkIndex == that.linkIndex
                && messageKey.equals(that.messageKey) && expiry.equals(that.expiry);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, messageKey, recipientIndex, linkIndex, expiry);
    }

    @Override
    public String toString() {
        return "TrackingToken{" + kind + ", message=" + messageKey + ", recipient=" + recipientIndex
                + (kind.hasLink() ? ", link=" + linkIndex : "") + ", expiry=" + expiry + "}";
    }
}
