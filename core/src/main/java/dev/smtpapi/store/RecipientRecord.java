package dev.smtpapi.store;

import java.util.Objects;
import java.util.UUID;

/** One recipient of a tracked message: the only data tag storage keeps per recipient. */
public final class RecipientRecord {
    private final UUID messageKey;
    private final int index;
    private final String rawAddress;

    private RecipientRecord(UUID messageKey, int index, String rawAddress) {
        this.messageKey = Objects.requireNonNull(messageKey, "messageKey");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        this.index = index;
        this.rawAddress = Objects.requireNonNull(rawAddress, "rawAddress");
    }

    public static RecipientRecord of(UUID messageKey, int index, String rawAddress) {
        return new RecipientRecord(messageKey, index, rawAddress);
    }

    public UUID messageKey() {
        return messageKey;
    }

    public int index() {
        return index;
    }

    /** The address as the envelope gave it ({@code raw_rcpt_to}). */
    public String rawAddress() {
        return rawAddress;
    }

    /** The address as events report it in {@code rcpt_to}: lower case, as SparkPost does. */
    public String address() {
        return rawAddress.toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof RecipientRecord)) {
            return false;
        }
        RecipientRecord that = (RecipientRecord) other;
        return index == that.index && messageKey.equals(that.messageKey) && rawAddress.equals(that.rawAddress);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageKey, index, rawAddress);
    }

    @Override
    public String toString() {
        return "RecipientRecord{" + messageKey + "#" + index + "}";
    }
}
