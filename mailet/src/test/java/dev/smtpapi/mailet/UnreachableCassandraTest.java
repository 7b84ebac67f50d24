package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.rewrite.TrackableMessage;
import dev.smtpapi.testsupport.TestMessages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cassandra that accepts connections and never answers (a tarpit): James's spool threads must not wait on it.
 * Every mail goes on untracked with its original body at once, as {@code on_store_failure} says. How fast,
 * against the same mails with no Cassandra at all, is measured by {@code UnreachableCassandraBenchmark}.
 */
class UnreachableCassandraTest {
    private static final int SPOOL_THREADS = 4;

    @TempDir
    Path dir;

    @Test
    void fourSpoolThreadsHandingMailsToAMailetWhoseCassandraNeverAnswersDeliverEveryMailUntracked()
            throws Exception {
        FakeMailContext context = FakeMailContext.defaultContext();
        byte[] original = TestMessages.overSmtp("newsletter-qp.eml");
        try (Tarpit tarpit = Tarpit.start()) {
            EngagementTracking mailet = new EngagementTracking();
            mailet.init(TestMail.config(context, TestMail.signingKeys(dir), tarpit.contactPoint(), "smtpapi").build());
            try {
                awaitFirstConnection(tarpit);
                List<Mail> mails = newsletters(original, 200);

                SpoolThreads.service(mailet, mails, SPOOL_THREADS);

                assertThat(context.getSentMails()).as("no tracked copies").isEmpty();
                byte[] untracked = TrackableMessage.withoutHeader(original, "X-MSYS-API");
                assertThat(mails).allSatisfy(mail -> {
                    assertThat(mail.getState()).isEqualTo("transport");
                    assertThat(mail.getRecipients()).hasSize(2);
                    assertThat(TestMail.bytes(mail.getMessage())).isEqualTo(untracked);
                });
                assertThat(mailet.metrics().storeFailureDeliveredUntracked().count()).isEqualTo(200);
                assertThat(tarpit.accepted()).as("the driver kept talking to the tarpit").isPositive();
            } finally {
                mailet.destroy();
            }
        }
    }

    /** The driver is connected to the tarpit and waiting for an answer that never comes. */
    private static void awaitFirstConnection(Tarpit tarpit) throws InterruptedException {
        for (int i = 0; i < 600 && tarpit.accepted() == 0; i++) {
            Thread.sleep(50);
        }
        assertThat(tarpit.accepted()).as("connections the driver opened to the tarpit").isPositive();
    }

    static List<Mail> newsletters(byte[] raw, int count) throws Exception {
        List<Mail> mails = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            mails.add(FakeMail.builder()
                    .name("Mail1713079800000-" + i)
                    .sender("news@northwind-outdoor.example")
                    .recipients(List.of(new MailAddress("ana.lima@example.org"), new MailAddress("ben@example.net")))
                    .mimeMessage(TestMail.mime(raw))
                    .state("transport")
                    .build());
        }
        return mails;
    }
}
