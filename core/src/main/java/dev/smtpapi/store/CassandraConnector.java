package dev.smtpapi.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Opens a driver session from {@link StoreSettings}: contact points, datacenter and credentials from the
 * options, everything else from the driver's own config file when one is named.
 */
public final class CassandraConnector {
    /** The driver's reconnection back-off: from this, doubling, up to {@link #RECONNECTION_MAX_DELAY}. */
    public static final Duration RECONNECTION_BASE_DELAY = Duration.ofMillis(500);
    /** Executions of a slow idempotent request in all, the first included, and the wait before each next one. */
    static final int SPECULATIVE_EXECUTIONS = 3;
    static final Duration SPECULATIVE_EXECUTION_DELAY = Duration.ofMillis(500);
    public static final Duration RECONNECTION_MAX_DELAY = Duration.ofSeconds(2);

    private CassandraConnector() {
    }

    /** Connects, creating the schema first when the settings ask for it; fails at once when nobody answers. */
    public static CqlSession connect(StoreSettings settings) {
        CqlSession session = builder(settings, false).build();
        try {
            if (settings.createSchema()) {
                Schema.create(session, settings.keyspace(), settings.replication());
            }
            return session;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * Starts opening a session and returns at once. With {@code untilAnswered} (and unless a driver config file
     * decides otherwise) the driver keeps trying, on its reconnection schedule, until a contact point answers;
     * cancelling the future stops it. Without, the future fails after one round of the contact points. The schema
     * is not created here: the caller does that off the driver's threads.
     */
    public static CompletableFuture<CqlSession> connectAsync(StoreSettings settings, boolean untilAnswered) {
        return builder(settings, untilAnswered).buildAsync().toCompletableFuture();
    }

    private static CqlSessionBuilder builder(StoreSettings settings, boolean keepTrying) {
        CqlSessionBuilder builder = CqlSession.builder()
                .withLocalDatacenter(settings.localDatacenter())
                .withConfigLoader(configLoader(settings, keepTrying));
        for (InetSocketAddress point : settings.contactPoints()) {
            builder.addContactPoint(point);
        }
        if (settings.username().isPresent()) {
            builder.withAuthCredentials(settings.username().get(), settings.password().orElseThrow());
        }
        return builder;
    }

    private static DriverConfigLoader configLoader(StoreSettings settings, boolean keepTrying) {
        if (settings.driverConfig().isPresent()) {
            return DriverConfigLoader.fromFile(settings.driverConfig().get().toFile());
        }
        return DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
                // Only our keyspace's schema is read (for token-aware routing), on connecting and reconnecting.
                .withStringList(DefaultDriverOption.METADATA_SCHEMA_REFRESHED_KEYSPACES, List.of(settings.keyspace()))
                // After an outage, reconnect within about two seconds of Cassandra answering again: mail is
                // delivered untracked and events wait in the spool until then.
                .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, RECONNECTION_BASE_DELAY)
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, RECONNECTION_MAX_DELAY)
                .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, keepTrying)
                // A request (all ours are idempotent) that a node has not answered within half a second goes to
                // the next node as well, first answer wins: a node killed, or still believed up by its peers,
                // must not turn a click into a 503 while a quorum is there (the node-loss test once got a 503
                // from a read left waiting during the kill).
                .withString(DefaultDriverOption.SPECULATIVE_EXECUTION_POLICY_CLASS,
                        "ConstantSpeculativeExecutionPolicy")
                .withInt(DefaultDriverOption.SPECULATIVE_EXECUTION_MAX, SPECULATIVE_EXECUTIONS)
                .withDuration(DefaultDriverOption.SPECULATIVE_EXECUTION_DELAY, SPECULATIVE_EXECUTION_DELAY)
                .build();
    }
}
