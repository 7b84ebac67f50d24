package dev.smtpapi.suppression;

import java.util.Optional;

/**
 * Which mail a suppression entry stops, as SparkPost's suppression list types it: a {@code non_transactional}
 * entry stops campaigns and newsletters (what an unsubscribe asks for), a {@code transactional} one stops
 * receipts, password resets and the like.
 */
public enum SuppressionType {
    NON_TRANSACTIONAL("non_transactional"),
    TRANSACTIONAL("transactional");

    private final String code;

    SuppressionType(String code) {
        this.code = code;
    }

    /** The value of the entry's {@code type} field. */
    public String code() {
        return code;
    }

    /** The type that applies to a mail that is, or is not, transactional. */
    public static SuppressionType forMail(boolean transactional) {
        return transactional ? TRANSACTIONAL : NON_TRANSACTIONAL;
    }

    public static Optional<SuppressionType> fromCode(String code) {
        for (SuppressionType type : values()) {
            if (type.code.equals(code)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
