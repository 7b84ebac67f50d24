package dev.smtpapi.token;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * What a token stands for: one recipient of one message, and for clicks one link of that message.
 * The message key and indexes point into tag storage; the token itself reveals neither address nor target.
 * Expiry has a resolution of one second.
 *
 * @param linkIndex the link's index in the message's link table; present for clicks only
 */
public record TrackingToken(TokenKind kind, UUID messageKey, int recipientIndex, OptionalInt linkIndex,
        Instant expiry) {
    public TrackingToken {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(messageKey, "messageKey");
        Objects.requireNonNull(linkIndex, "linkIndex");
        if (recipientIndex < 0) {
            throw new IllegalArgumentException("recipientIndex must be >= 0, was " + recipientIndex);
        }
        if (kind.hasLink() != linkIndex.isPresent()) {
            throw new IllegalArgumentException("a " + kind + " token " + (kind.hasLink() ? "needs" : "has no")
                    + " link index, was " + linkIndex);
        }
        if (kind.hasLink() && linkIndex.getAsInt() < 0) {
            throw new IllegalArgumentException("linkIndex must be >= 0 for a click, was " + linkIndex.getAsInt());
        }
        long seconds = Objects.requireNonNull(expiry, "expiry").getEpochSecond();
        if (seconds < 0 || seconds > TokenCodec.MAX_EXPIRY_SECONDS) {
            throw new IllegalArgumentException("expiry must be between 1970 and 2106, was " + expiry);
        }
        expiry = Instant.ofEpochSecond(seconds);
    }

    public static TrackingToken click(UUID messageKey, int recipientIndex, int linkIndex, Instant expiry) {
        return new TrackingToken(TokenKind.CLICK, messageKey, recipientIndex, OptionalInt.of(linkIndex), expiry);
    }

    public static TrackingToken open(UUID messageKey, int recipientIndex, Instant expiry) {
        return new TrackingToken(TokenKind.OPEN, messageKey, recipientIndex, OptionalInt.empty(), expiry);
    }

    public static TrackingToken initialOpen(UUID messageKey, int recipientIndex, Instant expiry) {
        return new TrackingToken(TokenKind.INITIAL_OPEN, messageKey, recipientIndex, OptionalInt.empty(), expiry);
    }

    /** For the codec: {@code linkIndex} is ignored for kinds without a link. */
    static TrackingToken of(TokenKind kind, UUID messageKey, int recipientIndex, int linkIndex, Instant expiry) {
        return new TrackingToken(kind, messageKey, recipientIndex,
                kind.hasLink() ? OptionalInt.of(linkIndex) : OptionalInt.empty(), expiry);
    }

    public boolean isExpiredAt(Instant now) {
        return now.isAfter(expiry);
    }
}
