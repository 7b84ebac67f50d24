package dev.smtpapi.token;

/**
 * What a tracked URL records when it is followed. The code is part of the signed token, so a click token
 * can never be replayed as an open or the other way round.
 */
public enum TokenKind {
    CLICK(1),
    OPEN(2),
    INITIAL_OPEN(3),
    /** A one-click unsubscribe (RFC 8058): the {@code List-Unsubscribe} URL of one recipient's copy. */
    UNSUBSCRIBE(4);

    private final int code;

    TokenKind(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    /** Whether tokens of this kind name one link of the message (only clicks do). */
    public boolean hasLink() {
        return this == CLICK;
    }

    static TokenKind fromCode(int code) {
        for (TokenKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        return null;
    }
}
