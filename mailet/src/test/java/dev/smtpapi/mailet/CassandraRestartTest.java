package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.smtpapi.rewrite.TrackableMessage;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.CassandraTagStore;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.testsupport.LocalCassandra;
import dev.smtpapi.testsupport.TestMessages;
import dev.smtpapi.testsupport.ThrowAwayCassandra;
import dev.smtpapi.token.TrackingToken;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cassandra killed -9 while mail flows, then started again, with a real node of the test's own (CQL on
 * {@code smtpapi.mailet.restart.port}, default 29142, storage and JMX on the next two ports): during the outage
 * every mail goes on untracked, none is lost; once CQL answers, tracking comes back by itself. How long after
 * CQL answered the first mail was tracked again is printed (and kept in BENCHMARKS.md), never asserted.
 */
class CassandraRestartTest {
    private static final int CQL_PORT = Integer.getInteger("smtpapi.mailet.restart.port", 29142);
    @RegisterExtension
    static final ThrowAwayCassandra CASSANDRA = ThrowAwayCassandra.at("restart-cassandra", CQL_PORT, CQL_PORT + 1,
            CQL_PORT + 2);
    private static final long BOUNDED_WAIT_NANOS = 180_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void killedAndRestartedCassandraCostsNoMailAndTrackingComesBackOnceCqlAnswers() throws Exception {
        FakeMailContext context = FakeMailContext.defaultContext();
        String keyspace = LocalCassandra.freshKeyspace("restart");
        byte[] original = TestMessages.overSmtp("newsletter-qp.eml");
        EngagementTracking mailet = new EngagementTracking();
        mailet.init(TestMail.config(context, TestMail.signingKeys(dir), "127.0.0.1:" + CASSANDRA.port(), keyspace)
                .build());
        List<Mail> delivered = new CopyOnWriteArrayList<>();
        try {
            Mail first = sendUntilTracked(mailet, original, delivered);
            assertThat(first.getAttribute(MailSplitter.TRACKED)).isPresent();

            CASSANDRA.kill();
            AtomicLong cqlAnsweredAt = new AtomicLong();
            Thread prober = new Thread(() -> {
                while (!CASSANDRA.answersCql()) {
                    sleep(20);
                }
                cqlAnsweredAt.set(System.nanoTime());
            }, "cql-probe");
            prober.start();
            Thread restart = new Thread(() -> {
                try {
                    CASSANDRA.start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "cassandra-restart");
            restart.start();
            long longestService = 0;
            Mail tracked = null;
            long trackedAt = 0;
            long deadline = System.nanoTime() + BOUNDED_WAIT_NANOS;
            while (tracked == null && System.nanoTime() < deadline) {
                Mail mail = newsletter(original, delivered.size());
                long start = System.nanoTime();
                mailet.service(mail);
                long end = System.nanoTime();
                longestService = Math.max(longestService, end - start);
                delivered.add(mail);
                if (mail.getAttribute(MailSplitter.TRACKED).isPresent()) {
                    tracked = mail;
                    trackedAt = end;
                }
                Thread.sleep(20);
            }
            restart.join();
            prober.join(BOUNDED_WAIT_NANOS / 1_000_000);

            assertThat(tracked).as("a mail tracked again after the restart").isNotNull();
            byte[] untracked = TrackableMessage.withoutHeader(original, "X-MSYS-API");
            List<Mail> duringOutage = delivered.subList(delivered.indexOf(first) + 1, delivered.indexOf(tracked));
            assertThat(duringOutage).as("mails while Cassandra was away").isNotEmpty().allSatisfy(mail -> {
                assertThat(mail.getAttribute(MailSplitter.TRACKED)).isEmpty();
                assertThat(mail.getState()).isEqualTo("transport");
                assertThat(mail.getRecipients()).hasSize(1);
                assertThat(TestMail.bytes(mail.getMessage())).isEqualTo(untracked);
            });
            assertThat(resolvedRecipient(keyspace, tracked)).contains("ana.lima@example.org");

            System.out.printf("CassandraRestartTest: %d mails during the outage, all delivered untracked; longest "
                    + "service() %.0f ms; first tracked mail %.0f ms after CQL answered again%n",
                    duringOutage.size(), longestService / 1e6, (trackedAt - cqlAnsweredAt.get()) / 1e6);
        } finally {
            mailet.destroy();
        }
    }

    /** Hands the mailet a mail every 50 ms until one is tracked (the connector may still be creating the schema). */
    private static Mail sendUntilTracked(EngagementTracking mailet, byte[] original, List<Mail> delivered)
            throws Exception {
        long deadline = System.nanoTime() + BOUNDED_WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            Mail mail = newsletter(original, delivered.size());
            mailet.service(mail);
            delivered.add(mail);
            if (mail.getAttribute(MailSplitter.TRACKED).isPresent()) {
                return mail;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no mail tracked within " + BOUNDED_WAIT_NANOS / 1_000_000_000 + " s of start");
    }

    private static Optional<String> resolvedRecipient(String keyspace, Mail tracked) {
        UUID messageKey = UUID.fromString((String) tracked.getAttribute(MailSplitter.TRACKED).orElseThrow()
                .getValue().value());
        StoreSettings settings = StoreSettings.builder().contactPoint("127.0.0.1", CASSANDRA.port()).keyspace(keyspace)
                .createSchema(false).build();
        try (CqlSession session = CassandraConnector.connect(settings)) {
            return CassandraTagStore.create(session, settings)
                    .resolve(TrackingToken.open(messageKey, 0, Instant.now()))
                    .map(open -> open.recipient().address());
        }
    }

    private static Mail newsletter(byte[] raw, int number) throws Exception {
        return FakeMail.builder()
                .name("Mail1713079800000-" + number)
                .sender("news@northwind-outdoor.example")
                .recipients(List.of(new MailAddress("ana.lima@example.org")))
                .mimeMessage(TestMail.mime(raw))
                .state("transport")
                .build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
