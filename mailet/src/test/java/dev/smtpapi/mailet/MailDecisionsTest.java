package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.smtpapi.config.Options;
import dev.smtpapi.rewrite.TrackableMessage;
import dev.smtpapi.store.InMemoryTagStore;
import dev.smtpapi.testsupport.TestMessages;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mailet's decisions, fast: the worker on the in-memory tag store and split ledger, its copies caught by a
 * recording queue. What a user of the mail server would check: who gets which copy, with which body.
 */
class MailDecisionsTest {
    private static final List<String> THREE_RECIPIENTS = List.of("ana.lima@example.org", "ben.okafor@example.net",
            "chloe.dubois@example.fr");
    private static final Pattern CLICK_URL = Pattern.compile("http://" + Pattern.quote(TestMail.TRACKING_DOMAIN)
            + "/f/[A-Za-z0-9._~%-]+/[A-Za-z0-9_-]+");

    @TempDir
    Path dir;

    private final InMemoryTagStore tags = InMemoryTagStore.create();
    private final List<Mail> queued = new ArrayList<>();
    private final TrackingMetrics metrics = new TrackingMetrics(Optional.empty());
    private int failQueueingAt = Integer.MAX_VALUE;
    private MailSplitter worker;

    @BeforeEach
    void worker() throws Exception {
        Path keys = TestMail.signingKeys(dir);
        MailetSettings configuration = MailetSettings.from(Options.from(Map.of(
                MailetSettings.SIGNING_KEYS_FILE, keys.toString(),
                MailetSettings.TRACKING_DOMAIN, TestMail.TRACKING_DOMAIN,
                MailetSettings.OPEN_TRACKING_ENABLED, "true",
                MailetSettings.CLICK_TRACKING_ENABLED, "true")));
        CopyQueue spool = (copy, processor) -> {
            if (queued.size() + 1 == failQueueingAt) {
                throw new MessagingException("spool full");
            }
            queued.add(FakeMail.builder().name(copy.getName()).state(processor)
                    .recipients(List.copyOf(copy.getRecipients()))
                    .mimeMessage(TestMail.mime(TestMail.bytes(copy.getMessage())))
                    .attributes(copy.attributes().toList()).build());
        };
        worker = new MailSplitter(configuration, TokenCodec.of(SigningKeys.load(keys)), StoreConnection.serving(tags),
                new InMemorySplitLedger(), spool, metrics, Clock.systemUTC());
    }

    @Test
    void aNewsletterToThreeRecipientsBecomesThreeCopiesEachWithItsOwnLinks() throws Exception {
        Mail mail = mail("newsletter-qp.eml", THREE_RECIPIENTS);

        worker.process(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(queued).hasSize(3).allSatisfy(copy -> {
            assertThat(copy.getRecipients()).hasSize(1);
            assertThat(copy.getState()).as("back to the top of its processor").isEqualTo("transport");
            assertThat(copy.getMessage().getHeader("X-MSYS-API")).isNull();
        });
        assertThat(queued).flatMap(Mail::getRecipients).extracting(MailAddress::asString)
                .containsExactlyElementsOf(THREE_RECIPIENTS);
        Set<String> links = new HashSet<>();
        for (Mail copy : queued) {
            Set<String> linksOfCopy = new HashSet<>();
            Matcher link = CLICK_URL.matcher(TestMail.decodedPart(copy.getMessage(), "text/html")
                    + TestMail.decodedPart(copy.getMessage(), "text/plain"));
            while (link.find()) {
                linksOfCopy.add(link.group());
            }
            assertThat(linksOfCopy).as("links of the copy for %s", copy.getRecipients()).isNotEmpty();
            Set<String> shared = new HashSet<>(linksOfCopy);
            shared.retainAll(links);
            assertThat(shared).as("links of the copy for %s found in another copy", copy.getRecipients()).isEmpty();
            links.addAll(linksOfCopy);
        }
        assertThat(metrics.trackedCopies().count()).isEqualTo(3);
    }

    @Test
    void withTrackingTurnedOffByTheHeaderTheMailGoesOnWholeLessItsHeader() throws Exception {
        byte[] original = withHeader(TestMessages.overSmtp("text-only.eml"),
                "X-MSYS-API: {\"options\":{\"open_tracking\":false,\"click_tracking\":false}}");
        Mail mail = mail(original, THREE_RECIPIENTS);

        worker.process(mail);

        assertThat(queued).isEmpty();
        assertThat(mail.getState()).isEqualTo("transport");
        assertThat(mail.getRecipients()).hasSize(3);
        assertThat(TestMail.bytes(mail.getMessage())).isEqualTo(TrackableMessage.withoutHeader(original, "X-MSYS-API"));
        assertThat(metrics.untrackedMails().count()).isEqualTo(1);
    }

    @Test
    void anInvalidHeaderSendsTheMailToTheErrorProcessorWithMomentumsReason() throws Exception {
        Mail mail = mail(withHeader(TestMessages.overSmtp("text-only.eml"), "X-MSYS-API: {\"metadata\": [1, 2]}"),
                THREE_RECIPIENTS);

        worker.process(mail);

        assertThat(queued).isEmpty();
        assertThat(mail.getState()).isEqualTo(Mail.ERROR);
        assertThat(mail.getErrorMessage()).isEqualTo("550 5.6.0 X-MSYS-API 'metadata' must be of type 'json object'");
    }

    @Test
    void withTagStorageDownTheMailGoesOnUntrackedToEveryone() throws Exception {
        tags.makeUnavailable();
        byte[] original = TestMessages.overSmtp("newsletter-qp.eml");
        Mail mail = mail(original, THREE_RECIPIENTS);

        worker.process(mail);

        assertThat(queued).isEmpty();
        assertThat(mail.getRecipients()).hasSize(3);
        assertThat(TestMail.bytes(mail.getMessage())).isEqualTo(TrackableMessage.withoutHeader(original, "X-MSYS-API"));
        assertThat(metrics.storeFailureDeliveredUntracked().count()).isEqualTo(1);
    }

    @Test
    void whenTheSpoolRefusesTheSecondCopyTheOriginalKeepsTheRecipientsNotServed() throws Exception {
        failQueueingAt = 2;
        byte[] original = TestMessages.overSmtp("newsletter-qp.eml");
        Mail mail = mail(original, THREE_RECIPIENTS);

        assertThatThrownBy(() -> worker.process(mail)).isInstanceOf(MessagingException.class).hasMessage("spool full");

        assertThat(queued).singleElement().satisfies(copy ->
                assertThat(copy.getRecipients()).containsExactly(new MailAddress(THREE_RECIPIENTS.get(0))));
        assertThat(mail.getRecipients()).extracting(MailAddress::asString)
                .containsExactlyElementsOf(THREE_RECIPIENTS.subList(1, 3));
        assertThat(TestMail.bytes(mail.getMessage())).isEqualTo(TrackableMessage.withoutHeader(original, "X-MSYS-API"));
    }

    @Test
    void malformedMimeIsDeliveredUnchangedLessItsHeaderAndCounted() throws Exception {
        byte[] original = TestMessages.overSmtp("malformed-missing-boundary.eml");
        Mail mail = mail(original, THREE_RECIPIENTS);

        worker.process(mail);

        assertThat(queued).isEmpty();
        assertThat(mail.getRecipients()).hasSize(3);
        assertThat(TestMail.bytes(mail.getMessage())).isEqualTo(TrackableMessage.withoutHeader(original, "X-MSYS-API"));
        assertThat(metrics.notRewritable().count()).isEqualTo(1);
    }

    @Test
    void aMessageWhoseBytesCannotBeReadGoesOnAsItIsInsteadOfStoppingTheMail() throws Exception {
        byte[] original = TestMessages.overSmtp("newsletter-qp.eml");
        Mail mail = mail(original, THREE_RECIPIENTS);
        mail.setMessage(new UnreadableMessage(original));

        worker.process(mail);

        assertThat(queued).isEmpty();
        assertThat(mail.getState()).isEqualTo("transport");
        assertThat(mail.getRecipients()).hasSize(3);
        assertThat(metrics.notRewritable().count()).isEqualTo(1);
    }

    private static Mail mail(String eml, List<String> recipients) throws Exception {
        return mail(TestMessages.overSmtp(eml), recipients);
    }

    private static Mail mail(byte[] raw, List<String> recipients) throws Exception {
        List<MailAddress> addresses = new ArrayList<>();
        for (String recipient : recipients) {
            addresses.add(new MailAddress(recipient));
        }
        return FakeMail.builder()
                .name("Mail1764590000000-" + UUID.randomUUID())
                .sender("news@northwind-outdoor.example")
                .recipients(addresses)
                .mimeMessage(TestMail.mime(raw))
                .state("transport")
                .build();
    }

    private static byte[] withHeader(byte[] raw, String headerLine) {
        byte[] line = (headerLine + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[line.length + raw.length];
        System.arraycopy(line, 0, message, 0, line.length);
        System.arraycopy(raw, 0, message, line.length, raw.length);
        return message;
    }

    /** A message whose storage fails as soon as its body is read, as a broken temporary file would. */
    private static final class UnreadableMessage extends MimeMessage {
        UnreadableMessage(byte[] raw) throws MessagingException {
            super(Session.getInstance(new Properties()), new java.io.ByteArrayInputStream(raw));
        }

        @Override
        public InputStream getRawInputStream() throws MessagingException {
            throw new MessagingException("temporary file gone");
        }

        @Override
        public void writeTo(OutputStream out, String[] ignoreList) throws IOException {
            throw new IOException("temporary file gone");
        }
    }
}
