package dev.smtpapi.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Opens a driver session from {@link StoreSettings}: contact points, datacenter and credentials from the
 * options, everything else from the driver's own config file when one is named.
 */
public final class CassandraConnector {
    private CassandraConnector() {
    }

    /** Connects, creating the schema first when the settings ask for it. */
    public static CqlSession connect(StoreSettings settings) {
        CqlSessionBuilder builder = CqlSession.builder()
                .withLocalDatacenter(settings.localDatacenter())
                .withConfigLoader(configLoader(settings));
        for (InetSocketAddress point : settings.contactPoints()) {
            builder.addContactPoint(point);
        }
        if (settings.username().isPresent()) {
            builder.withAuthCredentials(settings.username().get(), settings.password().orElseThrow());
        }
        CqlSession session = builder.build();
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

    private static DriverConfigLoader configLoader(StoreSettings settings) {
        if (settings.driverConfig().isPresent()) {
            return DriverConfigLoader.fromFile(settings.driverConfig().get().toFile());
        }
        return DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
                // After an outage, reconnect within seconds: spooled events and held mail wait on it.
                .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofSeconds(1))
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(10))
                .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
                .build();
    }
}
