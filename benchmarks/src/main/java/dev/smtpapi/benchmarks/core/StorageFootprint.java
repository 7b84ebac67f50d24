package dev.smtpapi.benchmarks.core;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * What a keyspace of smtpapi holds, for sizing: the rows of {@code messages}, {@code recipients} and
 * {@code engagement_event_chunks} (a row holds the events of one write in one 10 ms slot, compressed), and the
 * mean size of their values as Cassandra stores them (before its own compression).
 * Divide the on-disk size of each table's folder (after the node flushed it, e.g. once it stopped) by these
 * counts for bytes per row on disk.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.smtpapi.benchmarks.core.StorageFootprint 127.0.0.1 9042 tracker_bench</pre>
 */
public final class StorageFootprint {
    private StorageFootprint() {
    }

    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 9042;
        String keyspace = args.length > 2 ? args[2] : "smtpapi";
        try (CqlSession session = CqlSession.builder()
                .addContactPoint(new InetSocketAddress(host, port))
                .withLocalDatacenter("datacenter1")
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(60))
                        .withInt(DefaultDriverOption.REQUEST_PAGE_SIZE, 5000)
                        .build())
                .build()) {
            report(session, keyspace, "messages", "message_key", "links");
            report(session, keyspace, "recipients", "message_key", "raw_rcpt_to");
            report(session, keyspace, "engagement_event_chunks", "chunk", "events");
        }
    }

    /** Prints the rows of a table and the mean serialized size of its key and of one value column. */
    private static void report(CqlSession session, String keyspace, String table, String key, String value) {
        long rows = 0;
        long keyBytes = 0;
        long valueBytes = 0;
        for (Row row : session.execute(SimpleStatement.newInstance(
                "SELECT " + key + ", " + value + " FROM " + keyspace + "." + table))) {
            rows++;
            keyBytes += size(row.getBytesUnsafe(key));
            valueBytes += size(row.getBytesUnsafe(value));
        }
        System.out.printf("%-18s %,10d rows, mean %s %,.0f bytes, mean %s %,.0f bytes%n", table, rows, key,
                rows == 0 ? 0.0 : (double) keyBytes / rows, value, rows == 0 ? 0.0 : (double) valueBytes / rows);
    }

    private static long size(ByteBuffer bytes) {
        return bytes == null ? 0 : bytes.remaining();
    }
}
