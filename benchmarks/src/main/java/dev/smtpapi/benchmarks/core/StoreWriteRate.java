package dev.smtpapi.benchmarks.core;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.CassandraTagStore;
import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.store.MessageRecord;
import dev.smtpapi.store.RecipientRecord;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.testsupport.LocalCassandra;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Tag storage's write rate for one message to 1,000 recipients with 50 links (1 + 1,000 rows), beside the
 * simplest single-row insert at the same number of requests in flight, alternating rounds in one run.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.smtpapi.benchmarks.core.StoreWriteRate
 * [host] [port] [rounds]}; needs a running Cassandra ({@code ./smtpapi cassandra start}).
 */
public final class StoreWriteRate {
    private static final int RECIPIENTS = 1_000;
    private static final int LINKS = 50;

    private StoreWriteRate() {
    }

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 9042;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        StoreSettings settings = StoreSettings.builder().contactPoint(host, port).keyspace("smtpapi_bench").build();
        try (CqlSession session = CassandraConnector.connect(settings)) {
            session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS smtpapi_bench.baseline "
                    + "(k uuid PRIMARY KEY, v int)").setTimeout(Duration.ofSeconds(60)));
            PreparedStatement baselineInsert = session.prepare(
                    "INSERT INTO smtpapi_bench.baseline (k, v) VALUES (?, ?) USING TTL 3600");
            CassandraTagStore store = CassandraTagStore.create(session, settings);
            Semaphore inFlight = new Semaphore(settings.maxRequestsInFlight());

            for (int warmup = 0; warmup < 5; warmup++) {
                baseline(session, baselineInsert, inFlight, settings);
                store.writeAll(message(), recipientsOf(UUID.randomUUID()));
            }
            long storeNanos = 0;
            long baselineNanos = 0;
            for (int round = 0; round < rounds; round++) {
                baselineNanos += baseline(session, baselineInsert, inFlight, settings);
                MessageRecord message = message();
                List<RecipientRecord> recipients = recipientsOf(message.messageKey());
                long start = System.nanoTime();
                store.writeAll(message, recipients);
                storeNanos += System.nanoTime() - start;
            }
            double rows = (double) rounds * (RECIPIENTS + 1);
            double storeRate = rows / (storeNanos / 1e9);
            double baselineRate = rows / (baselineNanos / 1e9);
            System.out.printf("rows per message: %d (1 message row + %d recipient rows, %d links)%n",
                    RECIPIENTS + 1, RECIPIENTS, LINKS);
            System.out.printf("in flight: %d, rounds: %d%n", settings.maxRequestsInFlight(), rounds);
            System.out.printf("baseline single-row insert: %,.0f rows/s%n", baselineRate);
            System.out.printf("CassandraTagStore.writeAll:     %,.0f rows/s (%,.1f messages/s)%n",
                    storeRate, storeRate / (RECIPIENTS + 1));
            System.out.printf("ratio store/baseline:       %.2f%n", storeRate / baselineRate);
            LocalCassandra.dropKeyspace(session, settings.keyspace());
        }
    }

    private static long baseline(CqlSession session, PreparedStatement insert, Semaphore inFlight,
            StoreSettings settings) throws Exception {
        long start = System.nanoTime();
        List<CompletableFuture<?>> writes = new ArrayList<>(RECIPIENTS + 1);
        for (int i = 0; i <= RECIPIENTS; i++) {
            inFlight.acquire();
            writes.add(session.executeAsync(insert.bind(UUID.randomUUID(), i)
                    .setConsistencyLevel(settings.consistency())).toCompletableFuture()
                    .whenComplete((result, error) -> inFlight.release()));
        }
        CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).get();
        return System.nanoTime() - start;
    }

    private static MessageRecord message() {
        List<LinkRecord> links = new ArrayList<>();
        for (int i = 0; i < LINKS; i++) {
            links.add(LinkRecord.of("https://shop.example.com/deals/item-" + i + "?utm_source=newsletter&utm_medium=email",
                    Optional.of("deal " + i), false));
        }
        Instant now = Instant.now();
        return MessageRecord.builder().messageKey(UUID.randomUUID()).messageId("<bench@example.com>")
                .campaignId(Optional.of("benchmark")).metadataJson(Optional.of("{\"user\":\"42\"}"))
                .tags(List.of("bench")).sentAt(now).expiry(now.plus(Duration.ofHours(1))).links(links).build();
    }

    private static List<RecipientRecord> recipientsOf(UUID messageKey) {
        List<RecipientRecord> recipients = new ArrayList<>(RECIPIENTS);
        for (int i = 0; i < RECIPIENTS; i++) {
            recipients.add(RecipientRecord.of(messageKey, i, "reader." + i + "@example.com"));
        }
        return recipients;
    }
}
