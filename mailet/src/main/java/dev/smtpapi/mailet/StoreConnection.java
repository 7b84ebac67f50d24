package dev.smtpapi.mailet;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.smtpapi.store.CampaignCounters;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.CassandraTagStore;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.store.TagStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailet's way to tag storage. It connects in the background and on use, never blocking {@code init()},
 * so James starts even while Cassandra is down; mail meanwhile follows {@code on_store_failure}. After a failed attempt the next
 * one waits {@link #RETRY_INTERVAL}, so a dead Cassandra does not cost every mail a connection timeout.
 * Thread-safe.
 */
final class StoreConnection implements AutoCloseable {
    static final Duration RETRY_INTERVAL = Duration.ofSeconds(15);
    private static final Logger LOGGER = LoggerFactory.getLogger(StoreConnection.class);

    private final StoreSettings settings;
    private final Clock clock;
    private CqlSession session;
    private TagStore store;
    private Optional<CampaignCounters> counters = Optional.empty();
    private Instant nextAttempt = Instant.MIN;
    private String lastFailure = "";
    private boolean closed;

    StoreConnection(StoreSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * A connection that is already open on {@code store}, for tests of the mailet's decisions on an
     * {@link dev.smtpapi.store.InMemoryTagStore} (whose {@code makeUnavailable()} plays Cassandra down).
     */
    static StoreConnection serving(TagStore store) {
        StoreConnection connection = new StoreConnection(StoreSettings.builder().build(), Clock.systemUTC());
        connection.store = store;
        return connection;
    }

    /**
     * Starts connecting on a background thread, so that James starts at once (even with Cassandra down) and
     * the first tracked mail usually finds the connection, and the schema, ready rather than waiting for them.
     * A failure here only schedules the next attempt, as in {@link #get}.
     */
    void connectInBackground() {
        Thread connector = new Thread(() -> {
            try {
                get();
            } catch (StoreUnavailableException e) {
                // Logged by get(); mail arriving meanwhile follows on_store_failure.
            }
        }, "smtpapi-store-connect");
        connector.setDaemon(true);
        connector.start();
    }

    /**
     * The store, connecting first when needed.
     *
     * @throws StoreUnavailableException when Cassandra cannot be reached now, or could not be recently
     */
    synchronized TagStore get() {
        if (store != null) {
            return store;
        }
        if (closed) {
            throw new StoreUnavailableException("the mailet is shutting down", null);
        }
        Instant now = clock.instant();
        if (now.isBefore(nextAttempt)) {
            throw new StoreUnavailableException("not connected to Cassandra " + settings.contactPoints()
                    + " (last attempt failed: " + lastFailure + "; next attempt after " + nextAttempt + ")", null);
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // The driver reads its reference.conf through the context class loader; in James that loader cannot see
        // the extension jar this class (and the driver) came from.
        thread.setContextClassLoader(StoreConnection.class.getClassLoader());
        try {
            CqlSession opened = CassandraConnector.connect(settings);
            try {
                store = CassandraTagStore.create(opened, settings);
            } catch (RuntimeException e) {
                opened.close();
                throw e;
            }
            session = opened;
            counters = campaignCounters(opened);
            LOGGER.info("Connected to tag storage: {}", settings);
            return store;
        } catch (RuntimeException e) {
            nextAttempt = now.plus(RETRY_INTERVAL);
            lastFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOGGER.warn("Cannot connect to tag storage {}; retrying after {}: {}", settings.contactPoints(),
                    nextAttempt, lastFailure);
            throw new StoreUnavailableException("cannot connect to Cassandra " + settings.contactPoints() + ": "
                    + lastFailure, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The open session, connecting first like {@link #get}, for the mailet's own table (the split ledger).
     *
     * @throws StoreUnavailableException when Cassandra cannot be reached now, or when this connection serves a
     *     store that is not Cassandra
     */
    synchronized CqlSession session() {
        get();
        if (session == null) {
            throw new StoreUnavailableException("no Cassandra session: the tag store is " + store, null);
        }
        return session;
    }

    /** The copies-sent counters of the report page, once connected; empty if their table cannot be used. */
    synchronized Optional<CampaignCounters> counters() {
        return counters;
    }

    private Optional<CampaignCounters> campaignCounters(CqlSession opened) {
        try {
            return Optional.of(CampaignCounters.create(opened, settings));
        } catch (RuntimeException e) {
            LOGGER.warn("Copies sent will not be counted for the report page: {}", e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (session != null) {
            session.close();
            session = null;
            store = null;
            counters = Optional.empty();
        }
    }
}
