package dev.smtpapi.store;

import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * One recipient of a tracked message: the only data tag storage keeps per recipient.
 *
 * @param index the recipient's place in the message's recipient list, as tokens carry it
 * @param rawAddress the address as the envelope gave it ({@code raw_rcpt_to})
 */
public record RecipientRecord(UUID messageKey, int index, String rawAddress) {
    public RecipientRecord {
        Objects.requireNonNull(messageKey, "messageKey");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        Objects.requireNonNull(rawAddress, "rawAddress");
    }

    public static RecipientRecord of(UUID messageKey, int index, String rawAddress) {
        return new RecipientRecord(messageKey, index, rawAddress);
    }

    /** The address as events report it in {@code rcpt_to}: lower case, as SparkPost does. */
    public String address() {
        return rawAddress.toLowerCase(Locale.ROOT);
    }

    /** Without the address, so that logging a record never logs a person's address. */
    @Override
    public String toString() {
        return "RecipientRecord{" + messageKey + "#" + index + "}";
    }
}
