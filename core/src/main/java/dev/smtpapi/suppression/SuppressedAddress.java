package dev.smtpapi.suppression;

import java.util.Locale;
import java.util.Objects;

/**
 * A recipient address as the suppression list compares it: the domain in lower case, the local part exactly as
 * given (RFC 5321 leaves its case to the receiving server), surrounding whitespace and angle brackets removed.
 * So {@code Bob@Example.COM} and {@code Bob@example.com} are one entry, {@code bob@example.com} another.
 */
public record SuppressedAddress(String value) {
    public SuppressedAddress {
        Objects.requireNonNull(value, "value");
    }

    /**
     * @throws IllegalArgumentException for anything that is not {@code local@domain}, naming what was wrong
     */
    public static SuppressedAddress of(String address) {
        Objects.requireNonNull(address, "address");
        String text = address.strip();
        if (text.startsWith("<") && text.endsWith(">")) {
            text = text.substring(1, text.length() - 1).strip();
        }
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw new IllegalArgumentException("expected an address like user@example.com, was '" + address + "'");
        }
        String local = text.substring(0, at);
        // Spaces only inside a quoted local part ("john smith"@example.com is a valid envelope address).
        boolean quoted = local.length() > 1 && local.startsWith("\"") && local.endsWith("\"");
        if (text.length() > 320 || text.chars().anyMatch(c -> c < ' ' || c == 0x7F)
                || (!quoted && local.indexOf(' ') >= 0) || text.substring(at + 1).indexOf(' ') >= 0) {
            throw new IllegalArgumentException("not an e-mail address (too long, or spaces or control characters)");
        }
        String domain = text.substring(at + 1);
        if (domain.indexOf('@') >= 0 || domain.startsWith(".") || domain.endsWith(".")) {
            throw new IllegalArgumentException("expected an address like user@example.com, was '" + address + "'");
        }
        return new SuppressedAddress(local + "@" + domain.toLowerCase(Locale.ROOT));
    }

    /** The domain part, lower case. */
    public String domain() {
        return value.substring(value.lastIndexOf('@') + 1);
    }

    @Override
    public String toString() {
        return value;
    }
}
