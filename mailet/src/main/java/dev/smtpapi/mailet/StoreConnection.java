package dev.smtpapi.mailet;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.smtpapi.store.CampaignCounters;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.CassandraTagStore;
import dev.smtpapi.store.Schema;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.store.TagStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailet's way to tag storage. James's spool threads never wait here: {@link #get()} hands out the store
 * once it is connected and fails at once before that. One connector thread, started by
 * {@link #connectInBackground()}, opens the session (after a first attempt that fails fast, the driver retries
 * on its own reconnection schedule until a contact point answers), creates the schema, prepares the
 * statements, and only then publishes the store. Once
 * connected, the driver reconnects by itself after an outage, within about {@link CassandraConnector#RECONNECTION_MAX_DELAY}
 * of Cassandra answering again; writes meanwhile fail at once or after {@code cassandra_write_timeout}, and the
 * mail follows {@code on_store_failure}. Thread-safe.
 */
final class StoreConnection implements AutoCloseable {
    /** Pause before the connector tries again after a failure the driver does not retry itself. */
    static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);
    /**
     * How long {@link #connectInBackground()}, called from the mailet's init, waits for the first attempt: long
     * enough for a busy Cassandra to create the schema; a refused or unanswered connection ends it sooner.
     */
    static final Duration FIRST_ATTEMPT_WAIT = Duration.ofSeconds(60);
    private static final Logger LOGGER = LoggerFactory.getLogger(StoreConnection.class);

    private final StoreSettings settings;
    private volatile TagStore store;
    private volatile String notReady = "still connecting";
    private volatile boolean closed;
    private volatile Optional<CampaignCounters> counters = Optional.empty();
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private Thread connector;
    private CompletableFuture<CqlSession> connecting;
    private CqlSession session;

    StoreConnection(StoreSettings settings) {
        this.settings = settings;
    }

    /**
     * A connection that is already open on {@code store}, for tests of the mailet's decisions on an
     * {@link dev.smtpapi.store.InMemoryTagStore} (whose {@code makeUnavailable()} plays Cassandra down).
     */
    static StoreConnection serving(TagStore store) {
        StoreConnection connection = new StoreConnection(StoreSettings.builder().build());
        connection.store = store;
        return connection;
    }

    /**
     * Starts the connector thread and waits, at most {@link #FIRST_ATTEMPT_WAIT}, for its first attempt, so that
     * mail arriving right after James starts finds tag storage ready when Cassandra is up. A refused connection
     * ends that wait at once, an unanswered one after the driver's connection timeouts; either way James starts,
     * and the connector goes on trying.
     */
    void connectInBackground() {
        synchronized (this) {
            if (connector != null || store != null || closed) {
                return;
            }
            connector = new Thread(this::connect, "smtpapi-store-connect");
            connector.setDaemon(true);
            // The driver reads its reference.conf through the context class loader; in James that loader cannot
            // see the extension jar this class (and the driver) came from.
            connector.setContextClassLoader(StoreConnection.class.getClassLoader());
            connector.start();
        }
        try {
            firstAttempt.await(FIRST_ATTEMPT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The store, without waiting.
     *
     * @throws StoreUnavailableException when there is no session to Cassandra yet
     */
    TagStore get() {
        if (closed) {
            throw new StoreUnavailableException("the mailet is shutting down", null);
        }
        TagStore current = store;
        if (current != null) {
            return current;
        }
        throw new StoreUnavailableException("not connected to Cassandra " + settings.contactPoints() + " ("
                + notReady + ")", null);
    }

    private void connect() {
        boolean untilAnswered = false;
        while (!closed) {
            try {
                CqlSession opened = open(untilAnswered);
                if (opened == null) {
                    return;
                }
                if (settings.createSchema()) {
                    Schema.create(opened, settings.keyspace(), settings.replication());
                }
                CassandraTagStore ready = CassandraTagStore.create(opened, settings);
                Optional<CampaignCounters> readyCounters = campaignCounters(opened);
                synchronized (this) {
                    if (!closed) {
                        counters = readyCounters;
                        store = ready;
                        LOGGER.info("Connected to tag storage: {}", settings);
                    }
                }
                return;
            } catch (RuntimeException e) {
                notReady = StoreUnavailableException.because("last attempt failed", e).getMessage();
                LOGGER.warn("Tag storage {} not ready, mail follows on_store_failure meanwhile; trying again in "
                        + "{} ms: {}", settings.contactPoints(), RETRY_INTERVAL.toMillis(), notReady);
            } finally {
                firstAttempt.countDown();
            }
            // The first attempt fails fast; the next ones leave the retrying to the driver's reconnection.
            untilAnswered = true;
            try {
                Thread.sleep(RETRY_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The session, opened or still open from an attempt whose schema step failed; null once closed. */
    private CqlSession open(boolean untilAnswered) {
        CompletableFuture<CqlSession> attempt;
        synchronized (this) {
            if (closed) {
                return null;
            }
            if (session != null) {
                return session;
            }
            attempt = CassandraConnector.connectAsync(settings, untilAnswered);
            connecting = attempt;
        }
        try {
            CqlSession opened = attempt.get();
            synchronized (this) {
                connecting = null;
                if (closed) {
                    opened.closeAsync();
                    return null;
                }
                session = opened;
                return opened;
            }
        } catch (CancellationException e) {
            return null;
        } catch (InterruptedException e) {
            attempt.cancel(true);
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            throw StoreUnavailableException.because("cannot connect to Cassandra " + settings.contactPoints(),
                    e.getCause());
        }
    }

    /**
     * The session tag storage uses, once it is ready, for the stores that share it (the suppression list); null
     * while there is none. Never waits: a caller without a session follows {@code on_store_failure}.
     */
    synchronized CqlSession session() {
        return store == null ? null : session;
    }

    /** The copies-sent counters of the report page, once connected; empty if their table cannot be used. */
    Optional<CampaignCounters> counters() {
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
    public void close() {
        CqlSession open;
        synchronized (this) {
            closed = true;
            store = null;
            counters = Optional.empty();
            if (connecting != null) {
                connecting.cancel(true);
            }
            if (connector != null) {
                connector.interrupt();
            }
            open = session;
            session = null;
        }
        if (open != null) {
            open.close();
        }
    }
}
