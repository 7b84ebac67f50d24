package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.config.Options;
import dev.smtpapi.rewrite.TrackableMessage;
import dev.smtpapi.store.InMemoryTagStore;
import dev.smtpapi.testsupport.TestMessages;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TrackingToken;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mailet's store decisions on the in-memory tag store: fast, and Cassandra's outage at the flip of a switch. */
class InMemoryStoreTrackingTest {
    @TempDir
    Path dir;

    private final FakeMailContext context = FakeMailContext.defaultContext();
    private final InMemoryTagStore store = InMemoryTagStore.create();
    private final TrackingMetrics metrics = new TrackingMetrics(Optional.empty());
    private MailSplitter splitter;

    @BeforeEach
    void splitter() throws Exception {
        Path keys = TestMail.signingKeys(dir);
        MailetSettings configuration = MailetSettings.from(Options.from(Map.of(
                MailetSettings.SIGNING_KEYS_FILE, keys.toString(),
                MailetSettings.TRACKING_DOMAIN, TestMail.TRACKING_DOMAIN,
                MailetSettings.OPEN_TRACKING_ENABLED, "true",
                MailetSettings.CLICK_TRACKING_ENABLED, "true")));
        splitter = new MailSplitter(configuration, TokenCodec.of(SigningKeys.load(keys)), StoreConnection.serving(store),
                new InMemorySplitLedger(), CopyQueue.fromMailetContext(context), metrics, Clock.systemUTC());
    }

    @Test
    void withTagStorageUpEveryRecipientGetsACopyWhoseDataIsStored() throws Exception {
        Mail mail = newsletter();

        splitter.process(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(context.getSentMails()).hasSize(2);
        UUID messageKey = UUID.fromString((String) context.getSentMails().get(0).getAttributes()
                .get(MailSplitter.TRACKED).getValue().value());
        for (int recipient = 0; recipient < 2; recipient++) {
            assertThat(store.resolve(TrackingToken.open(messageKey, recipient, Instant.now())))
                    .hasValueSatisfying(open -> assertThat(open.message().campaignId()).isPresent());
        }
        assertThat(metrics.trackedMails().count()).isEqualTo(1);
    }

    @Test
    void withTagStorageDownTheMailGoesOnUntrackedAndWholeAtOnce() throws Exception {
        store.makeUnavailable();
        byte[] original = TestMessages.overSmtp("newsletter-qp.eml");
        Mail mail = newsletter();

        splitter.process(mail);

        assertThat(context.getSentMails()).isEmpty();
        assertThat(mail.getState()).isEqualTo("transport");
        assertThat(mail.getRecipients()).hasSize(2);
        assertThat(TestMail.bytes(mail.getMessage())).isEqualTo(TrackableMessage.withoutHeader(original, "X-MSYS-API"));
        assertThat(metrics.storeFailureDeliveredUntracked().count()).isEqualTo(1);
    }

    private static Mail newsletter() throws Exception {
        return FakeMail.builder()
                .name("Mail1713079800000-7")
                .sender("news@northwind-outdoor.example")
                .recipients(List.of(new MailAddress("ana.lima@example.org"), new MailAddress("ben@example.net")))
                .mimeMessage(TestMail.mime(TestMessages.overSmtp("newsletter-qp.eml")))
                .state("transport")
                .build();
    }
}
