package dev.smtpapi.rewrite;

/**
 * Whether a parsed message can be given tracked links and an open pixel, and if not, why.
 *
 * <p>Anything but {@link #REWRITABLE} means the message must be delivered exactly as it was received:
 * {@link TrackableMessage#render} then returns the input bytes unchanged.
 */
public enum RewriteStatus {
    /** The message was understood and {@link TrackableMessage#render} splices links and pixels into it. */
    REWRITABLE,
    /** The message has neither a {@code text/html} nor a {@code text/plain} body part to track. */
    NO_BODY_PART,
    /** The MIME structure is broken: a multipart without boundary, a missing closing boundary, bad base64... */
    MALFORMED_MIME,
    /** A body part names a charset this JVM does not know, or one that is not ASCII-compatible (UTF-16). */
    UNSUPPORTED_CHARSET,
    /** A body part's bytes are not valid in its declared charset, so they would not survive decode and encode. */
    CHARSET_DOES_NOT_ROUND_TRIP,
    /** A body part uses a Content-Transfer-Encoding other than 7bit, 8bit, binary, quoted-printable, base64. */
    UNSUPPORTED_TRANSFER_ENCODING,
    /** The message is larger than {@link TrackableMessage#MAX_MESSAGE_BYTES}. */
    TOO_LARGE,
    /**
     * The message has more MIME parts, deeper nesting, more header bytes or a larger part to rewrite than its
     * {@link MimeLimits} allow.
     */
    OVER_LIMITS,
    /** The parser met input it did not expect; the detail says what. Reported rather than thrown. */
    UNEXPECTED_INPUT;

    /** True only for {@link #REWRITABLE}. */
    public boolean isRewritable() {
        return this == REWRITABLE;
    }
}
