package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.rewrite.TrackableMessage;
import dev.smtpapi.testsupport.FreePort;
import dev.smtpapi.testsupport.TestMessages;
import java.nio.file.Path;
import java.util.List;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cassandra unreachable (a port nothing listens on): no mail is lost, none leaves with unresolvable links. */
class StoreFailureTest {
    @TempDir
    static Path dir;
    private static Path keys;
    private static String deadCassandra;

    private final FakeMailContext context = FakeMailContext.defaultContext();
    private EngagementTracking mailet;

    @BeforeAll
    static void closedPort() {
        keys = TestMail.signingKeys(dir);
        deadCassandra = "127.0.0.1:" + FreePort.pick();
    }

    @AfterEach
    void destroy() {
        mailet.destroy();
    }

    @Test
    void byDefaultTheMailIsDeliveredUntrackedWithItsOriginalBodyAndCounted() throws Exception {
        mailet = new EngagementTracking();
        mailet.init(TestMail.config(context, keys, deadCassandra, "smtpapi").build());
        byte[] original = TestMessages.overSmtp("newsletter-qp.eml");
        Mail mail = newsletter(original);

        mailet.service(mail);

        assertThat(context.getSentMails()).isEmpty();
        assertThat(mail.getState()).isEqualTo("transport");
        assertThat(mail.getRecipients()).hasSize(2);
        assertThat(TestMail.bytes(mail.getMessage())).isEqualTo(TrackableMessage.withoutHeader(original, "X-MSYS-API"));
        assertThat(mailet.metrics().storeFailureDeliveredUntracked().count()).isEqualTo(1);

        // The next mail does not wait for another connection attempt, and is treated the same way.
        Mail next = newsletter(original);
        mailet.service(next);
        assertThat(TestMail.bytes(next.getMessage())).isEqualTo(TrackableMessage.withoutHeader(original, "X-MSYS-API"));
        assertThat(mailet.metrics().storeFailureDeliveredUntracked().count()).isEqualTo(2);
    }

    @Test
    void withAProcessorNamedTheMailGoesThereUnchangedSoItCanBeRetried() throws Exception {
        mailet = new EngagementTracking();
        mailet.init(TestMail.config(context, keys, deadCassandra, "smtpapi")
                .setProperty(MailetSettings.ON_STORE_FAILURE, "tracking-retry").build());
        byte[] original = TestMessages.overSmtp("newsletter-qp.eml");
        Mail mail = newsletter(original);

        mailet.service(mail);

        assertThat(context.getSentMails()).isEmpty();
        assertThat(mail.getState()).isEqualTo("tracking-retry");
        assertThat(mail.getRecipients()).hasSize(2);
        assertThat(mail.getErrorMessage()).contains("tag storage unavailable");
        assertThat(TestMail.bytes(mail.getMessage())).isEqualTo(original);
        assertThat(mailet.metrics().storeFailureRerouted().count()).isEqualTo(1);
    }

    private static Mail newsletter(byte[] raw) throws Exception {
        return FakeMail.builder()
                .name("Mail1713079800000-7")
                .sender("news@northwind-outdoor.example")
                .recipients(List.of(new MailAddress("ana.lima@example.org"), new MailAddress("ben@example.net")))
                .mimeMessage(TestMail.mime(raw))
                .state("transport")
                .build();
    }
}
