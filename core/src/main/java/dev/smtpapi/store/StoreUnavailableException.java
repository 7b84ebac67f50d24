package dev.smtpapi.store;

/** Tag storage could not be written or read: Cassandra unreachable, timed out or refusing the request. */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
