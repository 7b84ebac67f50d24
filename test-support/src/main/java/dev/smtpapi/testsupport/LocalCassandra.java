package dev.smtpapi.testsupport;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * The real Cassandra node the tests run against: {@code ./smtpapi test} starts one and passes its address as the
 * system properties {@code smtpapi.cassandra.host} and {@code smtpapi.cassandra.port} (default
 * {@code 127.0.0.1:9042}, a developer's {@code ./smtpapi cassandra start}). Each test class takes a keyspace of
 * its own, so test classes never see each other's rows, and drops it when done.
 */
public final class LocalCassandra {
    public static final String HOST_PROPERTY = "smtpapi.cassandra.host";
    public static final String PORT_PROPERTY = "smtpapi.cassandra.port";

    private LocalCassandra() {
    }

    public static String host() {
        return System.getProperty(HOST_PROPERTY, "127.0.0.1");
    }

    public static int port() {
        return Integer.getInteger(PORT_PROPERTY, 9042);
    }

    /** {@code host:port}, as the {@code cassandra_contact_points} option spells it. */
    public static String contactPoint() {
        return host() + ":" + port();
    }

    /** A keyspace name no other test uses: {@code purpose} (lower case letters, digits, _) and 8 random hex digits. */
    public static String freshKeyspace(String purpose) {
        return (purpose + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT)
                .replace('-', '_');
    }

    /** Drops a test's keyspace; schema changes are slow on a busy node, hence the long timeout. */
    public static void dropKeyspace(CqlSession session, String keyspace) {
        session.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace)
                .setTimeout(Duration.ofSeconds(60)));
    }
}
