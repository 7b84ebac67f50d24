package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.smtpapi.rewrite.TrackableMessage;
import dev.smtpapi.rewrite.TrackedLink;
import dev.smtpapi.store.CassandraTagStore;
import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.store.MessageRecord;
import dev.smtpapi.store.Resolution;
import dev.smtpapi.testsupport.LocalCassandra;
import dev.smtpapi.testsupport.TestMessages;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TokenKind;
import dev.smtpapi.token.TrackingToken;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.core.MailAddress;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext.SentMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mailet on real mail, writing to the real local Cassandra node, read back through the store. */
class EngagementTrackingTest {
    private static final Pattern TRACKED_URL = Pattern.compile(
            "(https?)://([A-Za-z0-9.:-]+)/(?:f/([A-Za-z0-9._~%-]+)|q)/([A-Za-z0-9_-]+)");
    private static final String NEWSLETTER = "newsletter-qp.eml";
    private static final List<String> THREE_RECIPIENTS = List.of("ana.lima@example.org", "Ben.Okafor@Example.NET",
            "chloe.dubois@example.fr");

    @TempDir
    static Path dir;
    private static Path keys;
    private static TokenCodec codec;
    private static String keyspace;
    private static CqlSession session;
    private static CassandraTagStore store;

    private final FakeMailContext context = FakeMailContext.defaultContext();
    private final RecordingMetricFactory metricFactory = new RecordingMetricFactory();
    private EngagementTracking mailet;

    @BeforeAll
    static void connect() throws Exception {
        keys = TestMail.signingKeys(dir);
        codec = TokenCodec.of(SigningKeys.load(keys));
        keyspace = LocalCassandra.freshKeyspace("mailet_test");
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
    void aNewsletterToThreeRecipientsBecomesThreeCopiesWhoseLinksResolveToTheirOwnRecipientAndTheExactTargets()
            throws Exception {
        init(config());
        byte[] original = TestMessages.overSmtp(NEWSLETTER);
        Mail mail = mail(original, THREE_RECIPIENTS);

        mailet.service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        List<SentMail> copies = context.getSentMails();
        assertThat(copies).hasSize(3);
        List<TrackedLink> links = TrackableMessage.parse(TrackableMessage.withoutHeader(original, "X-MSYS-API"))
                .links();
        assertThat(links).hasSizeGreaterThan(8);
        Set<String> everyToken = new HashSet<>();
        UUID messageKey = null;
        for (int i = 0; i < 3; i++) {
            SentMail copy = copies.get(i);
            assertThat(copy.getRecipients()).containsExactly(new MailAddress(THREE_RECIPIENTS.get(i)));
            assertThat(copy.getSender()).isEqualTo(new MailAddress("news@northwind-outdoor.example"));
            assertThat(copy.getState()).isEqualTo("transport");
            assertThat(copy.getAttributes()).containsKey(AttributeName.of("org.example.segment"));
            assertThat(copy.getMsg().getHeader("X-MSYS-API")).isNull();

            List<TrackingToken> clicks = new ArrayList<>();
            List<TrackingToken> opens = new ArrayList<>();
            for (Matcher url : trackedUrls(copy.getMsg())) {
                assertThat(url.group(2)).isEqualTo(TestMail.TRACKING_DOMAIN);
                assertThat(everyToken.add(url.group(4))).as("token %s appears in one copy only", url.group(4))
                        .isTrue();
                TrackingToken token = codec.decode(url.group(4)).orElseThrow();
                (token.kind() == TokenKind.CLICK ? clicks : opens).add(token);
            }
            assertThat(opens).hasSize(1);
            assertThat(clicks).hasSize(links.size());
            for (TrackingToken click : clicks) {
                Resolution resolution = store.resolve(click).orElseThrow();
                assertThat(resolution.recipient().rawAddress()).isEqualTo(rawAddress(i));
                int linkIndex = click.linkIndex().getAsInt();
                assertThat(resolution.link().map(LinkRecord::targetUrl)).contains(links.get(linkIndex).targetUrl());
            }
            Resolution open = store.resolve(opens.get(0)).orElseThrow();
            assertThat(open.recipient().rawAddress()).isEqualTo(rawAddress(i));
            assertThat(open.message().messageId()).isEqualTo("<20260414093000.8812@mail.northwind-outdoor.example>");
            assertThat(open.message().campaignId()).contains("spring-sale-2026");
            assertThat(open.message().metadataJson()).contains("{\"segment\":\"club\"}");
            messageKey = open.message().messageKey();
            assertThat(copy.getAttributes().get(MailSplitter.TRACKED).getValue().value())
                    .isEqualTo(messageKey.toString());
        }
        // What a browser would have opened: entities decoded once, the space-padded href trimmed.
        MessageRecord message = store.message(messageKey).orElseThrow();
        assertThat(message.links()).extracting(LinkRecord::targetUrl)
                .contains("https://www.northwind-outdoor.example/p/summit-pack-45?ref=news&pos=2");
        assertThat(message.links()).filteredOn(LinkRecord::unsubscribe).hasSize(1);
        assertThat(mailet.metrics().trackedCopies().count()).isEqualTo(3);
        assertThat(metricFactory.countFor(TrackingMetrics.TRACKED_MAILS)).isEqualTo(1);
    }

    @Test
    void everyOneOfFortyRecipientsGetsExactlyOneCopyCarryingItsOwnRecipientIndex() throws Exception {
        init(config());
        List<String> recipients = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            recipients.add("member" + i + "@club.northwind-outdoor.example");
        }

        mailet.service(mail(TestMessages.overSmtp(NEWSLETTER), recipients));

        List<SentMail> copies = context.getSentMails();
        assertThat(copies).hasSize(40);
        for (int i = 0; i < 40; i++) {
            assertThat(copies.get(i).getRecipients()).containsExactly(new MailAddress(recipients.get(i)));
            for (Matcher url : trackedUrls(copies.get(i).getMsg())) {
                assertThat(codec.decode(url.group(4)).orElseThrow().recipientIndex()).isEqualTo(i);
            }
        }
    }

    @Test
    void eachDeliveredCopyIsExactlyTheRewritingEnginesOutputForThatRecipient() throws Exception {
        init(config());
        byte[] original = TestMessages.overSmtp(NEWSLETTER);
        Mail mail = mail(original, THREE_RECIPIENTS);

        mailet.service(mail);

        TrackableMessage parsed = TrackableMessage.parse(TrackableMessage.withoutHeader(original, "X-MSYS-API"));
        MailSettings settings = MailSettings.resolve(mailet.settings(),
                Optional.of(XMsysApiHeader.parse(TestMail.mime(original).getHeader("X-MSYS-API")[0])),
                AttributeOverrides.read(mail, (name, problem) -> { }));
        List<SentMail> copies = context.getSentMails();
        UUID messageKey = UUID.fromString((String) copies.get(0).getAttributes().get(MailSplitter.TRACKED)
                .getValue().value());
        MessageRecord record = store.message(messageKey).orElseThrow();
        TrackingUrls urls = new TrackingUrls(codec, messageKey, record.expiry(), settings, parsed.links());
        for (int i = 0; i < copies.size(); i++) {
            assertThat(TestMail.bytes(copies.get(i).getMsg())).isEqualTo(parsed.render(urls.forRecipient(i)));
        }
    }

    @Test
    void aCopyComingBackThroughTheProcessorIsNotTrackedTwice() throws Exception {
        init(config());
        mailet.service(mail(TestMessages.overSmtp(NEWSLETTER), THREE_RECIPIENTS));
        SentMail copy = context.getSentMails().get(1);
        byte[] delivered = TestMail.bytes(copy.getMsg());
        // As James's spool hands it back: its sendMail() marks every copy as sent by a mailet.
        FakeMail again = FakeMail.builder().name("spooled-again").sender(copy.getSender())
                .recipients(List.copyOf(copy.getRecipients())).mimeMessage(copy.getMsg()).state(copy.getState())
                .attributes(copy.getAttributes().values()).attribute(Mail.SENT_BY_MAILET_ATTRIBUTE).build();
        context.resetSentMails();

        mailet.service(again);

        assertThat(context.getSentMails()).isEmpty();
        assertThat(again.getState()).isEqualTo("transport");
        assertThat(TestMail.bytes(again.getMessage())).isEqualTo(delivered);
        // The original came over SMTP: a SentByMailet relay rule must not see its copies differently.
        assertThat(again.getAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE.getName())).isEmpty();
        assertThat(again.getAttribute(MailSplitter.TRACKED)).isPresent();
    }

    @Test
    void whenTheSpoolRefusesACopyTheOriginalKeepsExactlyTheRecipientsNotYetServed() throws Exception {
        // A James whose spool accepts the first copy and then fails (a full disk, say).
        AtomicInteger queued = new AtomicInteger();
        MailetContext failingSpool = (MailetContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MailetContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendMail") && queued.incrementAndGet() == 2) {
                        throw new MessagingException("spool full");
                    }
                    try {
                        return method.invoke(context, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        mailet = new EngagementTracking(metricFactory);
        mailet.init(TestMail.config(context, keys, LocalCassandra.contactPoint(), keyspace)
                .mailetContext(failingSpool).build());
        byte[] original = TestMessages.overSmtp(NEWSLETTER);
        Mail mail = mail(original, THREE_RECIPIENTS);

        assertThatThrownBy(() -> mailet.service(mail)).isInstanceOf(MessagingException.class)
                .hasMessage("spool full");

        assertThat(context.getSentMails()).hasSize(1);
        assertThat(context.getSentMails().get(0).getRecipients()).containsExactly(new MailAddress(THREE_RECIPIENTS.get(0)));
        assertThat(mail.getRecipients()).containsExactly(new MailAddress(THREE_RECIPIENTS.get(1)),
                new MailAddress(THREE_RECIPIENTS.get(2)));
        assertThat(mail.getState()).isEqualTo("transport");
        assertThat(TestMail.bytes(mail.getMessage())).isEqualTo(TrackableMessage.withoutHeader(original, "X-MSYS-API"));
    }

    @Test
    void aMailToOneRecipientIsTrackedInPlaceAndContinuesDownTheProcessor() throws Exception {
        init(config());
        Mail mail = mail(TestMessages.overSmtp(NEWSLETTER), List.of("ana.lima@example.org"));

        mailet.service(mail);

        assertThat(context.getSentMails()).isEmpty();
        assertThat(mail.getState()).isEqualTo("transport");
        assertThat(mail.getAttribute(MailSplitter.TRACKED)).isPresent();
        assertThat(mail.getMessage().getHeader("X-MSYS-API")).isNull();
        assertThat(trackedUrls(mail.getMessage())).isNotEmpty();
    }

    @Test
    void withInitialOpenEnabledTheCopyGetsATopPixelWhoseTokenIsAnInitialOpen() throws Exception {
        init(config().setProperty(MailetSettings.INITIAL_OPEN_ENABLED, "true"));
        Mail mail = mail(TestMessages.overSmtp(NEWSLETTER), List.of("ana.lima@example.org"));

        mailet.service(mail);

        String html = TestMail.decodedPart(mail.getMessage(), "text/html");
        List<TrackingToken> opens = new ArrayList<>();
        for (Matcher url : trackedUrls(mail.getMessage())) {
            TrackingToken token = codec.decode(url.group(4)).orElseThrow();
            if (token.kind() != TokenKind.CLICK) {
                opens.add(token);
                assertThat(store.resolve(token)).isPresent();
            }
        }
        assertThat(opens).extracting(TrackingToken::kind).containsExactly(TokenKind.INITIAL_OPEN, TokenKind.OPEN);
        assertThat(html.indexOf("/q/")).isLessThan(html.indexOf("/f/"));
    }

    @Test
    void anInvalidHeaderSendsTheMailToTheErrorProcessorWithMomentumsReason() throws Exception {
        init(config());
        byte[] original = withHeader(TestMessages.overSmtp("text-only.eml"),
                "X-MSYS-API: {\"campaign_id\": \"maintenance\", \"metadata\": \"window=saturday\"}");
        Mail mail = mail(original, THREE_RECIPIENTS);

        mailet.service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.ERROR);
        assertThat(mail.getErrorMessage()).isEqualTo("550 5.6.0 X-MSYS-API 'metadata' must be of type 'json object'");
        assertThat(context.getSentMails()).isEmpty();
        assertThat(metricFactory.countFor(TrackingMetrics.INVALID_HEADER)).isEqualTo(1);
    }

    @Test
    void withTrackingOffTheMailIsNotSplitAndOnlyTheHeaderIsRemoved() throws Exception {
        init(config());
        byte[] original = TestMessages.overSmtp(NEWSLETTER);
        byte[] trackingOff = new String(original, StandardCharsets.ISO_8859_1)
                .replace("\"open_tracking\": true", "\"open_tracking\": false")
                .replace("\"click_tracking\": true", "\"click_tracking\": false")
                .getBytes(StandardCharsets.ISO_8859_1);
        Mail mail = mail(trackingOff, THREE_RECIPIENTS);

        mailet.service(mail);

        assertThat(context.getSentMails()).isEmpty();
        assertThat(mail.getState()).isEqualTo("transport");
        assertThat(mail.getRecipients()).hasSize(3);
        assertThat(TestMail.bytes(mail.getMessage()))
                .isEqualTo(TrackableMessage.withoutHeader(trackingOff, "X-MSYS-API"));
    }

    @Test
    void withTrackingOffAndNoHeaderTheMessageIsLeftByteForByte() throws Exception {
        init(config());
        byte[] original = TestMessages.overSmtp("invoice-with-attachments.eml");
        Mail mail = mail(original, THREE_RECIPIENTS);

        mailet.service(mail);

        assertThat(context.getSentMails()).isEmpty();
        assertThat(TestMail.bytes(mail.getMessage())).isEqualTo(original);
        assertThat(mailet.metrics().untrackedMails().count()).isEqualTo(1);
    }

    @Test
    void anAttributeBeatsTheHeaderWhichBeatsTheInitParameter() throws Exception {
        init(config().setProperty(MailetSettings.OPEN_TRACKING_ENABLED, "false")
                .setProperty(MailetSettings.CLICK_TRACKING_ENABLED, "false"));
        // The header turns both on; the attributes turn clicks off again and move the pixel to https on
        // another domain, which the header could not have done.
        Mail mail = mail(TestMessages.overSmtp(NEWSLETTER), List.of("ana.lima@example.org"),
                Attribute.convertToAttribute(AttributeOverrides.CLICK_TRACKING, "0"),
                Attribute.convertToAttribute(AttributeOverrides.OPEN_TRACKING_SCHEME, "https"),
                Attribute.convertToAttribute(AttributeOverrides.TRACKING_DOMAIN, "px.northwind-mail.example"));

        mailet.service(mail);

        List<Matcher> urls = trackedUrls(mail.getMessage());
        assertThat(urls).hasSize(1);
        assertThat(urls.get(0).group(0)).startsWith("https://px.northwind-mail.example/q/");
        assertThat(mailet.metrics().badAttribute().count()).isZero();
    }

    @Test
    void aBadAttributeValueIsCountedAndTheHeaderDecidesInstead() throws Exception {
        init(config().setProperty(MailetSettings.OPEN_TRACKING_ENABLED, "true"));
        byte[] original = withHeader(TestMessages.overSmtp("text-only.eml"),
                "X-MSYS-API: {\"options\": {\"open_tracking\": false, \"click_tracking\": true}}");
        Mail mail = mail(original, List.of("oncall@example.io"),
                Attribute.convertToAttribute(AttributeOverrides.CLICK_TRACKING, "sometimes"),
                Attribute.convertToAttribute(AttributeOverrides.TRACKING_LINK_EXPIRY, "a week"));

        mailet.service(mail);

        List<Matcher> urls = trackedUrls(mail.getMessage());
        assertThat(urls).isNotEmpty().allSatisfy(url -> assertThat(url.group(0)).contains("/f/a/"));
        assertThat(mailet.metrics().badAttribute().count()).isEqualTo(2);
        assertThat(metricFactory.countFor(TrackingMetrics.BAD_ATTRIBUTE)).isEqualTo(2);
        TrackingToken token = codec.decode(urls.get(0).group(4)).orElseThrow();
        MessageRecord record = store.message(token.messageKey()).orElseThrow();
        assertThat(record.expiry()).isAfter(record.sentAt().plusSeconds(31_536_000L - 5));
    }

    @Test
    void engagementAttributesWinOverTheHeaderAndOversizedMetadataIsLeftOut() throws Exception {
        init(config().setProperty(MailetSettings.MAX_METADATA_LEN, "40"));
        Mail mail = mail(TestMessages.overSmtp(NEWSLETTER), List.of("ana.lima@example.org"),
                Attribute.convertToAttribute(AttributeOverrides.CAMPAIGN_ID, "spring-sale-2026-b"),
                Attribute.convertToAttribute(AttributeOverrides.TAGS,
                        "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",\"l\"]"),
                Attribute.convertToAttribute(AttributeOverrides.METADATA,
                        "{\"segment\": \"club\", \"note\": \"this object is longer than forty bytes\"}"));

        mailet.service(mail);

        UUID key = UUID.fromString((String) mail.getAttribute(MailSplitter.TRACKED).orElseThrow().getValue().value());
        MessageRecord record = store.message(key).orElseThrow();
        assertThat(record.campaignId()).contains("spring-sale-2026-b");
        assertThat(record.tags()).containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        assertThat(record.metadataJson()).isEmpty();
    }

    @Test
    void aMessageThatCannotBeRewrittenIsDeliveredUnchangedWithoutTheHeader() throws Exception {
        init(config().setProperty(MailetSettings.OPEN_TRACKING_ENABLED, "true"));
        byte[] original = TestMessages.overSmtp("malformed-missing-boundary.eml");
        Mail mail = mail(original, THREE_RECIPIENTS);

        mailet.service(mail);

        assertThat(context.getSentMails()).isEmpty();
        assertThat(mail.getRecipients()).hasSize(3);
        assertThat(TestMail.bytes(mail.getMessage())).isEqualTo(original);
        assertThat(mailet.metrics().notRewritable().count()).isEqualTo(1);
    }

    /** The envelope address as James holds it: local part as given, domain in lower case. */
    private static String rawAddress(int recipient) throws Exception {
        return new MailAddress(THREE_RECIPIENTS.get(recipient)).asString();
    }

    private FakeMailetConfig.Builder config() {
        return TestMail.config(context, keys, LocalCassandra.contactPoint(), keyspace);
    }

    private void init(FakeMailetConfig.Builder config) throws Exception {
        mailet = new EngagementTracking(metricFactory);
        mailet.init(config.build());
    }

    private static FakeMail mail(byte[] raw, List<String> recipients, Attribute... attributes) throws Exception {
        List<Attribute> all = new ArrayList<>(List.of(attributes));
        all.add(new Attribute(AttributeName.of("org.example.segment"), AttributeValue.of("club")));
        List<MailAddress> addresses = new ArrayList<>();
        for (String recipient : recipients) {
            addresses.add(new MailAddress(recipient));
        }
        return FakeMail.builder()
                .name("Mail1713079800000-" + UUID.randomUUID())
                .sender("news@northwind-outdoor.example")
                .recipients(addresses)
                .mimeMessage(TestMail.mime(raw))
                .state("transport")
                .remoteAddr("192.0.2.25")
                .remoteHost("mta1.northwind-outdoor.example")
                .attributes(all)
                .build();
    }

    private static byte[] withHeader(byte[] raw, String headerLine) {
        return (headerLine + "\r\n" + new String(raw, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Every tracked URL in the decoded text and HTML parts. */
    private static List<Matcher> trackedUrls(MimeMessage message) {
        List<Matcher> urls = new ArrayList<>();
        for (String part : List.of(TestMail.decodedPart(message, "text/html"),
                TestMail.decodedPart(message, "text/plain"))) {
            Matcher matcher = TRACKED_URL.matcher(part);
            while (matcher.find()) {
                urls.add(TRACKED_URL.matcher(matcher.group()));
                urls.get(urls.size() - 1).matches();
            }
        }
        return urls;
    }
}
