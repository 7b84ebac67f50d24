package dev.smtpapi.rewrite;

import java.util.Locale;
import java.util.Optional;

/** The Content-Transfer-Encodings a rewritten part may have. */
enum TransferEncoding {
    SEVEN_BIT("7bit"),
    EIGHT_BIT("8bit"),
    BINARY("binary"),
    QUOTED_PRINTABLE("quoted-printable"),
    BASE64("base64");

    private final String headerValue;

    TransferEncoding(String headerValue) {
        this.headerValue = headerValue;
    }

    static Optional<TransferEncoding> fromHeader(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (TransferEncoding encoding : values()) {
            if (encoding.headerValue.equals(wanted)) {
                return Optional.of(encoding);
            }
        }
        return Optional.empty();
    }

    /** 7bit, 8bit and binary bodies are their own decoding: lines are lines. */
    boolean isIdentity() {
        return this == SEVEN_BIT || this == EIGHT_BIT || this == BINARY;
    }
}
