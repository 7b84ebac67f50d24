package dev.smtpapi.rewrite;

/** Raised inside the parser when the message must be delivered unchanged; never leaves this package. */
final class NotRewritableException extends Exception {

    private static final long serialVersionUID = 1L;

    private final RewriteStatus status;

    NotRewritableException(RewriteStatus status, String detail) {
        super(detail, null, false, false);
        this.status = status;
    }

    RewriteStatus status() {
        return status;
    }
}
