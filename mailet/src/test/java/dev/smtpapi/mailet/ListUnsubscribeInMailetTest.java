package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.smtpapi.store.CassandraTagStore;
import dev.smtpapi.store.Resolution;
import dev.smtpapi.suppression.CassandraSuppressionList;
import dev.smtpapi.suppression.SenderUnsubscribeUrls;
import dev.smtpapi.suppression.SuppressedAddress;
import dev.smtpapi.suppression.SuppressionEntry;
import dev.smtpapi.suppression.SuppressionSource;
import dev.smtpapi.suppression.SuppressionType;
import dev.smtpapi.testsupport.LocalCassandra;
import dev.smtpapi.testsupport.TestMessages;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TokenKind;
import dev.smtpapi.token.TrackingToken;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext.SentMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One-click unsubscribe headers and the suppression list in the mailet, on real mail and the real Cassandra node. */
class ListUnsubscribeInMailetTest {
    private static final Pattern ONE_CLICK = Pattern.compile(
            "<http://" + Pattern.quote(TestMail.TRACKING_DOMAIN) + "/u/([A-Za-z0-9_-]+)>");
    private static final List<String> RECIPIENTS = List.of("ana.lima@example.org", "Ben.Okafor@Example.NET",
            "chloe.dubois@example.fr");

    @TempDir
    static Path dir;
    private static Path keys;
    private static TokenCodec codec;
    private static String keyspace;
    private static CqlSession session;
    private static CassandraTagStore store;

    private final FakeMailContext context = FakeMailContext.defaultContext();
    private EngagementTracking mailet;

    @BeforeAll
    static void connect() throws Exception {
        keys = TestMail.signingKeys(dir);
        codec = TokenCodec.of(SigningKeys.load(keys));
        keyspace = LocalCassandra.freshKeyspace("unsubscribe_test");
        session = TestMail.session(keyspace);
        store = CassandraTagStore.create(session, TestMail.storeSettings(keyspace));
    }

    @AfterAll
    static void dropKeyspace() {
        LocalCassandra.dropKeyspace(session, keyspace);
        session.close();
    }

    @AfterEach
    void destroy() {
        if (mailet != null) {
            mailet.destroy();
        }
    }

    @Test
    void everyCopyOfANewsletterGetsAOneClickUrlOfItsOwnRecipientBeforeItsOtherHeaders() throws Exception {
        init(config().setProperty(UnsubscribeOptions.LIST_UNSUBSCRIBE_ENABLED, "true"));

        mailet.service(mail(TestMessages.overSmtp("newsletter-qp.eml"), RECIPIENTS));

        List<SentMail> copies = context.getSentMails();
        assertThat(copies).hasSize(3);
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            MimeMessage copy = copies.get(i).getMsg();
            assertThat(copy.getHeader("List-Unsubscribe")).hasSize(1);
            assertThat(copy.getHeader("List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");
            Matcher url = ONE_CLICK.matcher(copy.getHeader("List-Unsubscribe")[0]);
            assertThat(url.matches()).as("only our URL: the sender's https one is forwarded to, not shown")
                    .isTrue();
            assertThat(tokens.add(url.group(1))).isTrue();
            TrackingToken token = codec.decode(url.group(1)).orElseThrow();
            assertThat(token.kind()).isEqualTo(TokenKind.UNSUBSCRIBE);
            Resolution resolution = store.resolve(token).orElseThrow();
            assertThat(resolution.recipient().rawAddress()).isEqualTo(new MailAddress(RECIPIENTS.get(i)).asString());
            assertThat(new String(TestMail.bytes(copy), StandardCharsets.ISO_8859_1))
                    .startsWith("List-Unsubscribe: <http://" + TestMail.TRACKING_DOMAIN + "/u/" + url.group(1)
                            + ">\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nReturn-Path: ");
        }
        UUID messageKey = codec.decode(tokens.iterator().next()).orElseThrow().messageKey();
        assertThat(SenderUnsubscribeUrls.create(session, TestMail.storeSettings(keyspace)).find(messageKey))
                .contains(URI.create("https://www.northwind-outdoor.example/unsubscribe?u=8812&t=a1b2c3"));
        assertThat(mailet.unsubscribeMetrics().listUnsubscribeCopies().count()).isEqualTo(3);
    }

    @Test
    void theSendersMailtoIsKeptBesideOursAndItsOwnPostHeaderIsReplaced() throws Exception {
        init(config().setProperty(UnsubscribeOptions.LIST_UNSUBSCRIBE_ENABLED, "true"));
        byte[] raw = withHeaders(TestMessages.overSmtp("text-only.eml"),
                "List-Unsubscribe: <mailto:leave@lists.example.org?subject=unsubscribe>,\r\n"
                        + " <https://lists.example.org/leave/7f3a>",
                "List-Unsubscribe-Post: List-Unsubscribe=One-Click");

        Mail mail = mail(raw, List.of("ana.lima@example.org"));
        mailet.service(mail);

        MimeMessage copy = mail.getMessage();
        assertThat(copy.getHeader("List-Unsubscribe-Post")).hasSize(1);
        String header = copy.getHeader("List-Unsubscribe")[0];
        assertThat(header).matches("<http://" + Pattern.quote(TestMail.TRACKING_DOMAIN)
                + "/u/[A-Za-z0-9_-]+>,\r\n <mailto:leave@lists\\.example\\.org\\?subject=unsubscribe>");
    }

    @Test
    void transactionalMailGetsNoHeadersWhetherTheHeaderTheAttributeOrTheInitParameterSaysSo() throws Exception {
        init(config().setProperty(UnsubscribeOptions.LIST_UNSUBSCRIBE_ENABLED, "true"));
        byte[] viaHeader = withHeaders(TestMessages.overSmtp("order-confirmation-latin1.eml"),
                "X-MSYS-API: {\"options\": {\"open_tracking\": true, \"transactional\": true}}");
        Mail headerSaysSo = mail(viaHeader, RECIPIENTS);
        Mail attributeSaysSo = mail(TestMessages.overSmtp("order-confirmation-latin1.eml"), RECIPIENTS,
                new Attribute(AttributeName.of(AttributeOverrides.TRANSACTIONAL), AttributeValue.of("true")));

        mailet.service(headerSaysSo);
        mailet.service(attributeSaysSo);

        assertThat(context.getSentMails()).as("the header turned open tracking on, so it was split").hasSize(3);
        for (SentMail copy : context.getSentMails()) {
            assertThat(copy.getMsg().getHeader("List-Unsubscribe")).isNull();
            assertThat(copy.getMsg().getHeader("List-Unsubscribe-Post")).isNull();
        }
        assertThat(attributeSaysSo.getRecipients()).as("tracking off and transactional: not split").hasSize(3);
        assertThat(attributeSaysSo.getMessage().getHeader("List-Unsubscribe")).isNull();

        mailet.destroy();
        FakeMailContext transactionalContext = FakeMailContext.defaultContext();
        mailet = new EngagementTracking();
        mailet.init(TestMail.config(transactionalContext, keys, LocalCassandra.contactPoint(), keyspace)
                .setProperty(UnsubscribeOptions.LIST_UNSUBSCRIBE_ENABLED, "true")
                .setProperty(UnsubscribeOptions.TRANSACTIONAL, "true").build());
        Mail byDefault = mail(TestMessages.overSmtp("text-only.eml"), RECIPIENTS);
        mailet.service(byDefault);
        assertThat(transactionalContext.getSentMails()).isEmpty();
        assertThat(byDefault.getMessage().getHeader("List-Unsubscribe-Post")).isNull();
    }

    @Test
    void aBadTransactionalValueInTheHeaderSendsTheMailToTheErrorProcessorWithTheReason() throws Exception {
        init(config().setProperty(UnsubscribeOptions.LIST_UNSUBSCRIBE_ENABLED, "true"));
        Mail mail = mail(withHeaders(TestMessages.overSmtp("text-only.eml"),
                "X-MSYS-API: {\"options\": {\"transactional\": \"yes\"}}"), RECIPIENTS);

        mailet.service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.ERROR);
        assertThat(mail.getErrorMessage()).contains("options.transactional");
    }

    @Test
    void aSuppressedRecipientIsTakenOffANewsletterAndTheOthersGetTheirCopies() throws Exception {
        CassandraSuppressionList list = CassandraSuppressionList.create(session, TestMail.storeSettings(keyspace));
        list.addIfAbsent(SuppressionEntry.of(SuppressedAddress.of("Ben.Okafor@example.net"),
                SuppressionType.NON_TRANSACTIONAL, SuppressionSource.LIST_UNSUBSCRIBE, "", Instant.now()));
        init(config().setProperty(UnsubscribeOptions.LIST_UNSUBSCRIBE_ENABLED, "true")
                .setProperty(UnsubscribeOptions.SUPPRESSION_ENABLED, "true"));

        mailet.service(mail(TestMessages.overSmtp("newsletter-qp.eml"), RECIPIENTS));

        List<MailAddress> served = new ArrayList<>();
        context.getSentMails().forEach(copy -> served.addAll(copy.getRecipients()));
        assertThat(served).containsExactly(new MailAddress("ana.lima@example.org"),
                new MailAddress("chloe.dubois@example.fr"));
        assertThat(mailet.unsubscribeMetrics().suppressedRecipients().count()).isEqualTo(1);

        Mail receipt = mail(TestMessages.overSmtp("order-confirmation-latin1.eml"), RECIPIENTS,
                new Attribute(AttributeName.of(AttributeOverrides.TRANSACTIONAL), AttributeValue.of("1")));
        mailet.service(receipt);
        assertThat(receipt.getRecipients()).as("a non_transactional entry never holds back a receipt").hasSize(3);
    }

    private FakeMailetConfig.Builder config() {
        return TestMail.config(context, keys, LocalCassandra.contactPoint(), keyspace);
    }

    private void init(FakeMailetConfig.Builder config) throws Exception {
        mailet = new EngagementTracking();
        mailet.init(config.build());
    }

    private static byte[] withHeaders(byte[] raw, String... headerLines) {
        return (String.join("\r\n", headerLines) + "\r\n" + new String(raw, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static FakeMail mail(byte[] raw, List<String> recipients, Attribute... attributes) throws Exception {
        List<MailAddress> addresses = new ArrayList<>();
        for (String recipient : recipients) {
            addresses.add(new MailAddress(recipient));
        }
        return FakeMail.builder()
                .name("Mail1764580000000-" + UUID.randomUUID())
                .sender("news@northwind-outdoor.example")
                .recipients(addresses)
                .mimeMessage(TestMail.mime(raw))
                .state("transport")
                .attributes(List.of(attributes))
                .build();
    }
}
