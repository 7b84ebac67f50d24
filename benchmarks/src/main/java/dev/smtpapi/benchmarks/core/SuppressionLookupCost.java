package dev.smtpapi.benchmarks.core;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.CassandraTagStore;
import dev.smtpapi.store.MessageRecord;
import dev.smtpapi.store.RecipientRecord;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.suppression.CassandraSuppressionList;
import dev.smtpapi.suppression.SuppressedAddress;
import dev.smtpapi.suppression.SuppressionEntry;
import dev.smtpapi.suppression.SuppressionSource;
import dev.smtpapi.suppression.SuppressionType;
import dev.smtpapi.testsupport.LocalCassandra;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the suppression check adds to a mail of 1,000 recipients (one lookup of all of them, 50 of whom are on
 * a list of 5,000), beside what tracking that mail costs anyway: writing its tag data (1 + 1,000 rows).
 * Alternating rounds in one run.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.smtpapi.benchmarks.core.SuppressionLookupCost
 * [host] [port] [rounds]}; needs a running Cassandra.
 */
public final class SuppressionLookupCost {
    private static final int RECIPIENTS = 1_000;

    private SuppressionLookupCost() {
    }

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 9042;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        StoreSettings settings = StoreSettings.builder().contactPoint(host, port).keyspace("smtpapi_bench_supp")
                .build();
        try (CqlSession session = CassandraConnector.connect(settings)) {
            CassandraTagStore store = CassandraTagStore.create(session, settings);
            CassandraSuppressionList list = CassandraSuppressionList.create(session, settings);
            Instant now = Instant.now();
            for (int i = 0; i < 5_000; i++) {
                list.put(SuppressionEntry.of(SuppressedAddress.of("gone." + i + "@example.com"),
                        SuppressionType.NON_TRANSACTIONAL, SuppressionSource.MANUALLY_ADDED, "bench", now));
            }
            List<SuppressedAddress> recipients = new ArrayList<>(RECIPIENTS);
            for (int i = 0; i < RECIPIENTS; i++) {
                recipients.add(SuppressedAddress.of(i % 20 == 0 ? "gone." + i + "@example.com"
                        : "reader." + i + "@example.com"));
            }
            for (int warmup = 0; warmup < 5; warmup++) {
                list.suppressed(recipients, SuppressionType.NON_TRANSACTIONAL);
                writeMail(store);
            }
            long lookupNanos = 0;
            long writeNanos = 0;
            int found = 0;
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                found = list.suppressed(recipients, SuppressionType.NON_TRANSACTIONAL).size();
                lookupNanos += System.nanoTime() - start;
                writeNanos += writeMail(store);
            }
            System.out.printf("recipients per mail: %d, suppressed among them: %d, rounds: %d%n", RECIPIENTS, found,
                    rounds);
            System.out.printf("suppression lookup per mail: %.1f ms%n", lookupNanos / 1e6 / rounds);
            System.out.printf("tag data write per mail (baseline): %.1f ms%n", writeNanos / 1e6 / rounds);
            System.out.printf("ratio lookup/write: %.2f%n", (double) lookupNanos / writeNanos);
            LocalCassandra.dropKeyspace(session, settings.keyspace());
        }
    }

    private static long writeMail(CassandraTagStore store) {
        Instant now = Instant.now();
        MessageRecord message = MessageRecord.builder().messageKey(UUID.randomUUID()).messageId("<bench@example.com>")
                .campaignId(Optional.of("benchmark")).tags(List.of("bench")).sentAt(now)
                .expiry(now.plus(Duration.ofHours(1))).links(List.of()).build();
        List<RecipientRecord> rows = new ArrayList<>(RECIPIENTS);
        for (int i = 0; i < RECIPIENTS; i++) {
            rows.add(RecipientRecord.of(message.messageKey(), i, "reader." + i + "@example.com"));
        }
        long start = System.nanoTime();
        store.writeAll(message, rows);
        return System.nanoTime() - start;
    }
}
