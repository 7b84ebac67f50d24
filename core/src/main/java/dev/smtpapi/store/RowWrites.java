package dev.smtpapi.store;

import java.time.Duration;

/**
 * The rows of one {@link CassandraTagStore#writeAll} in flight: how many are still unacknowledged, the first
 * failure, and when the last one was acknowledged. {@link #await} gives up once Cassandra has acknowledged
 * nothing for the write timeout, so a mail never waits long on a Cassandra that stopped answering, while a
 * large mail on a busy but working Cassandra still gets all its rows stored. Thread-safe: rows complete on
 * the driver's threads.
 */
final class RowWrites {
    private final String what;
    private int pending;
    private StoreUnavailableException failure;
    private long lastProgressNanos = System.nanoTime();

    RowWrites(String what) {
        this.what = what;
    }

    synchronized void sent() {
        pending++;
    }

    /** One row acknowledged ({@code error} null) or failed. */
    synchronized void completed(StoreUnavailableException error) {
        pending--;
        lastProgressNanos = System.nanoTime();
        if (error != null && failure == null) {
            failure = error;
        }
        notifyAll();
    }

    synchronized void fail(StoreUnavailableException error) {
        if (failure == null) {
            failure = error;
        }
        notifyAll();
    }

    synchronized boolean failed() {
        return failure != null;
    }

    /**
     * Returns once every row sent is acknowledged.
     *
     * @throws StoreUnavailableException at the first failed row, or once no row was acknowledged for {@code timeout}
     */
    synchronized void await(Duration timeout) {
        long timeoutNanos = timeout.toNanos();
        while (failure == null && pending > 0) {
            long waited = System.nanoTime() - lastProgressNanos;
            if (waited >= timeoutNanos) {
                throw new StoreUnavailableException("Cassandra acknowledged no row of " + what + " for "
                        + timeout.toMillis() + " ms (" + StoreSettings.WRITE_TIMEOUT + "); " + pending
                        + " rows unacknowledged", null);
            }
            try {
                long remaining = timeoutNanos - waited;
                wait(remaining / 1_000_000, (int) (remaining % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted writing " + what, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
