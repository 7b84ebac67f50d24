package dev.smtpapi.store;

/** Tag storage could not be written or read: Cassandra unreachable, timed out or refusing the request. */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * "{@code what}: the root cause's message", keeping the whole chain as the cause: the driver wraps the
     * reason Cassandra gave (a timeout, no host available) several layers deep.
     */
    public static StoreUnavailableException because(String what, Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return new StoreUnavailableException(what + ": " + reason, error);
    }
}
