package dev.smtpapi.store;

import com.datastax.oss.driver.api.core.CqlSession;
import java.util.Locale;
import java.util.UUID;

/**
 * The real Cassandra node the tests run against: {@code ./smtpapi test} starts one and passes its address as
 * the system properties {@code smtpapi.cassandra.host} and {@code smtpapi.cassandra.port}. Each caller gets a
 * keyspace of its own, so test classes never see each other's rows.
 */
final class LocalCassandra {
    private LocalCassandra() {
    }

    static StoreSettings settingsWithFreshKeyspace(String purpose) {
        String keyspace = (purpose + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT).replace('-', '_');
        return StoreSettings.builder()
                .contactPoint(System.getProperty("smtpapi.cassandra.host", "127.0.0.1"),
                        Integer.getInteger("smtpapi.cassandra.port", 9042))
                .keyspace(keyspace)
                .build();
    }

    static CqlSession connect(StoreSettings settings) {
        return CassandraConnector.connect(settings);
    }
}
