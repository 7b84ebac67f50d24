package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.smtpapi.store.CampaignCounters;
import dev.smtpapi.testsupport.LocalCassandra;
import dev.smtpapi.testsupport.TestMessages;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.james.core.MailAddress;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies sent, the report page's denominator: the mailet counts every tracked copy for its campaign, in the
 * real Cassandra, once per mail.
 */
class CampaignCopiesTest {
    @TempDir
    static Path dir;
    private static String keyspace;
    private static CqlSession session;

    @BeforeAll
    static void connect() {
        keyspace = LocalCassandra.freshKeyspace("mailet_copies");
        session = TestMail.session(keyspace);
    }

    @AfterAll
    static void dropKeyspace() {
        LocalCassandra.dropKeyspace(session, keyspace);
        session.close();
    }

    @Test
    void twoMailsOfTheSpringSaleToThreeAndTwoRecipientsCountFiveCopies() throws Exception {
        FakeMailContext context = FakeMailContext.defaultContext();
        EngagementTracking mailet = new EngagementTracking(new RecordingMetricFactory());
        mailet.init(TestMail.config(context, TestMail.signingKeys(dir), LocalCassandra.contactPoint(), keyspace)
                .build());
        Instant before = Instant.now();
        try {
            Mail first = mail(List.of("ana.lima@example.org", "ben.okafor@example.net", "chloe.dubois@example.fr"));
            Mail second = mail(List.of("dara.singh@example.in", "emil.berg@example.se"));
            mailet.service(first);
            mailet.service(second);
            assertThat(first.getState()).as("split into tracked copies").isEqualTo(Mail.GHOST);
            assertThat(context.getSentMails()).hasSize(5);
        } finally {
            mailet.destroy();
        }

        CampaignCounters counters = CampaignCounters.create(session, TestMail.storeSettings(keyspace));
        assertThat(awaitCopies(counters, before.minusSeconds(3600), Instant.now().plusSeconds(60), 5))
                .containsExactly(Map.entry("spring-sale-2026", 5L));
    }

    private static Mail mail(List<String> recipients) throws Exception {
        List<MailAddress> addresses = new ArrayList<>();
        for (String recipient : recipients) {
            addresses.add(new MailAddress(recipient));
        }
        return FakeMail.builder().name("Mail1713079800000-" + UUID.randomUUID()).sender("news@northwind-outdoor.example")
                .recipients(addresses).mimeMessage(TestMail.mime(TestMessages.overSmtp("newsletter-qp.eml"))).state("transport")
                .build();
    }

    /** The counter write is asynchronous: wait for it, then return what the window holds. */
    private static Map<String, Long> awaitCopies(CampaignCounters counters, Instant from, Instant to, long total)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Map<String, Long> copies = counters.copiesBetween(from, to);
            if (copies.values().stream().mapToLong(Long::longValue).sum() >= total || System.nanoTime() > deadline) {
                return copies;
            }
            Thread.sleep(50);
        }
    }
}
