package dev.smtpapi.jamesit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.apache.james.core.MailAddress;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.transport.mailets.Bounce;
import org.apache.james.transport.mailets.LocalDelivery;
import org.apache.james.transport.mailets.RemoteDelivery;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product as a James 3.9 user installs it: the built {@code -james39} jar in {@code extensions-jars/}
 * and {@code james-conf/mailetcontainer.xml} in {@code conf/}, run by James's own mailet container, with
 * tag storage in the developer Cassandra ({@code -Dsmtpapi.cassandra.host/port}). Only what differs per
 * machine is changed in the configuration: Cassandra's address, the keyspace, the signing-key file and
 * the tracking domain.
 *
 * <p>One James serves all the tests of this class, as one server serves many mails; each test starts with
 * empty mail repositories.
 */
class EngagementTrackingInJamesTest {
    private static final String MAILET = "dev.smtpapi.mailet.EngagementTracking";
    private static final Path JAMES_CONF = Path.of(System.getProperty("smtpapi.james-conf.dir", "../james-conf"));
    private static final String TRACKING_DOMAIN = "click.demo-outdoor.example";
    private static final String KEYSPACE = "smtpapi_james_it";
    private static final MailRepositoryUrl ERROR_REPOSITORY = MailRepositoryUrl.from("memory://var/mail/error/");
    private static final Duration SPOOL_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern HREF = Pattern.compile("href=\"([^\"]*)\"");
    private static final Pattern CLICK_URL = Pattern.compile(
        "http://" + Pattern.quote(TRACKING_DOMAIN) + "/f/a/[A-Za-z0-9_-]+");
    private static final Pattern MSYS_ATTRIBUTE = Pattern.compile(" data-msys-[a-z]+=\"[^\"]*\"");
    private static final Pattern ORIGINAL_URL = Pattern.compile("https://shop\\.demo\\.example/[^\"\\s]*");
    private static final Pattern OPEN_PIXEL = Pattern.compile(
        "<img [^>]*src=\"http://" + Pattern.quote(TRACKING_DOMAIN) + "/q/[A-Za-z0-9_-]+\"[^>]*>");

    @TempDir
    static Path jamesHome;
    private static Path signingKeys;
    private static InProcessJames james;

    @BeforeAll
    static void installTheMailetAndStartJames() throws Exception {
        signingKeys = writeSigningKeys(jamesHome.resolve("secrets/smtpapi-keys.properties"));
        james = boot(installed(cassandraContactPoint()), jamesHome.resolve("james"));
    }

    /** James's home with the mailet installed, its tag storage at {@code cassandraContactPoint}. */
    private static JamesHome installed(String cassandraContactPoint) throws IOException {
        return JamesHome.withConfFrom(JAMES_CONF)
            .withMailetParameter(MAILET, "tracking_domain", TRACKING_DOMAIN)
            .withMailetParameter(MAILET, "cassandra_contact_points", cassandraContactPoint)
            .withMailetParameter(MAILET, "cassandra_keyspace", KEYSPACE)
            .withMailetParameter(MAILET, "signing_keys_file", signingKeys.toString())
            .withExtensionJar(builtMailetJar());
    }

    private static InProcessJames boot(JamesHome home, Path directory) throws Exception {
        InProcessJames started = InProcessJames.boot(home.writeTo(directory));
        started.addUser("alice@demo.local", "alice-password");
        started.addUser("bob@demo.local", "bob-password");
        return started;
    }

    @AfterEach
    void forgetDeliveredMail() throws Exception {
        james.emptyRepositories();
    }

    @AfterAll
    static void stopJames() {
        if (james != null) {
            james.close();
        }
    }

    @Test
    void aNewsletterToThreeRecipientsLeavesJamesAsThreeTrackedCopiesOfOneRecipientEach() throws Exception {
        int trackedMails = james.metricCount("smtpapi_mailet_tracked_mails");
        int trackedCopies = james.metricCount("smtpapi_mailet_tracked_copies");

        Mail newsletter = IncomingMail.of("winter-sale-newsletter.eml",
            "news@demo.local", "alice@demo.local", "bob@demo.local", "carol@example.org");
        loggedInOverSmtp(newsletter, "news@demo.local");
        james.enqueue(newsletter);
        james.awaitIdle(SPOOL_TIMEOUT);

        List<StoredMail> delivered = james.mailsIn(LocalDelivery.REPOSITORY);
        List<StoredMail> relayed = james.mailsIn(RemoteDelivery.REPOSITORY);
        assertThat(recipientsOf(delivered)).containsExactlyInAnyOrder(
            new MailAddress("alice@demo.local"), new MailAddress("bob@demo.local"));
        assertThat(recipientsOf(relayed)).containsExactly(new MailAddress("carol@example.org"));

        MimeMessage original = IncomingMail.message("winter-sale-newsletter.eml");
        List<StoredMail> copies = new ArrayList<>(delivered);
        copies.addAll(relayed);
        assertThat(copies).hasSize(3).allSatisfy(copy -> {
            assertThat(copy.recipients()).hasSize(1);
            assertThat(copy.sender()).contains(new MailAddress("news@demo.local"));
            assertThat(copy.message().getHeader("X-MSYS-API")).as("X-MSYS-API header").isNull();
            assertThat(copy.message().getSubject()).isEqualTo("Winter sale: 30% off jackets until Sunday");
            assertHtmlPartIsTracked(htmlPart(copy));
            assertTextPartIsTracked(textPart(copy));
            assertOnlyTheTrackingChanged(htmlPart(copy), htmlPart(original));
            assertOnlyTheTrackingChanged(textPart(copy), textPart(original));
        });

        Set<String> trackedUrlsSeen = new HashSet<>();
        for (StoredMail copy : copies) {
            String content = htmlPart(copy) + textPart(copy);
            for (String url : CLICK_URL.matcher(content).results().map(match -> match.group()).toList()) {
                assertThat(trackedUrlsSeen.add(url))
                    .as("%s of the copy for %s is in another recipient's copy too", url, copy.recipients())
                    .isTrue();
            }
        }

        assertThat(james.mailsIn(ERROR_REPOSITORY)).isEmpty();
        assertThat(james.metricCount("smtpapi_mailet_tracked_mails") - trackedMails).isEqualTo(1);
        assertThat(james.metricCount("smtpapi_mailet_tracked_copies") - trackedCopies).isEqualTo(3);
    }

    @Test
    void theMailetDisposesEveryCopyItHandsToJames() throws Exception {
        Set<Object> mark = InProcessJames.undisposedMessageSources();

        Mail newsletter = IncomingMail.of("winter-sale-newsletter.eml",
            "news@demo.local", "alice@demo.local", "bob@demo.local", "carol@example.org");
        loggedInOverSmtp(newsletter, "news@demo.local");
        james.enqueue(newsletter);
        james.awaitIdle(SPOOL_TIMEOUT);
        assertThat(james.mailsIn(LocalDelivery.REPOSITORY)).hasSize(2);

        // A copy handed to MailetContext#sendMail stays the mailet's to dispose: the spool keeps its own. A
        // large message is buffered in a temporary file, which stays on disk until its copy is disposed.
        assertThat(james.leakedSince(mark, Duration.ofSeconds(5)).size())
            .as("message sources created while the newsletter went through James and never disposed"
                + " (James logs where each was created, under 'Leak detected!', once it is garbage-collected)")
            .isZero();
    }

    @Test
    void whenTagStorageCannotBeReachedTheNewsletterIsDeliveredUntrackedToEveryRecipient() throws Exception {
        // A second James, its tag storage a port nothing listens on; on_store_failure is deliver_untracked.
        JamesHome cassandraUnreachable = installed("127.0.0.1:" + closedPort()).withoutProcessorMBeans();
        try (InProcessJames cassandraDown = boot(cassandraUnreachable, jamesHome.resolve("james-cassandra-down"))) {
            Mail newsletter = IncomingMail.of("winter-sale-newsletter.eml",
                "news@demo.local", "alice@demo.local", "bob@demo.local", "carol@example.org");
            loggedInOverSmtp(newsletter, "news@demo.local");
            cassandraDown.enqueue(newsletter);
            cassandraDown.awaitIdle(SPOOL_TIMEOUT);

            byte[] originalBody = rawBody(IncomingMail.message("winter-sale-newsletter.eml"));
            assertThat(cassandraDown.mailsIn(LocalDelivery.REPOSITORY)).singleElement().satisfies(mail -> {
                assertThat(mail.recipients()).containsExactlyInAnyOrder(
                    new MailAddress("alice@demo.local"), new MailAddress("bob@demo.local"));
                assertThat(mail.message().getHeader("X-MSYS-API")).as("X-MSYS-API header").isNull();
                assertThat(rawBody(mail.message())).as("the original body, no link that cannot be resolved").isEqualTo(originalBody);
            });
            assertThat(cassandraDown.mailsIn(RemoteDelivery.REPOSITORY)).singleElement().satisfies(mail -> {
                assertThat(mail.recipients()).containsExactly(new MailAddress("carol@example.org"));
                assertThat(rawBody(mail.message())).isEqualTo(originalBody);
            });
            assertThat(cassandraDown.mailsIn(ERROR_REPOSITORY)).isEmpty();
            assertThat(cassandraDown.metricCount("smtpapi_mailet_store_failure_delivered_untracked")).isEqualTo(1);
        }
    }

    @Test
    void aNewsletterWhoseAttributesTurnTrackingOffIsNotRewrittenButEachCopyGetsItsOneClickUnsubscribe()
            throws Exception {
        Mail newsletter = IncomingMail.of("winter-sale-newsletter.eml",
            "news@demo.local", "alice@demo.local", "bob@demo.local");
        loggedInOverSmtp(newsletter, "news@demo.local");
        // Attributes win over the header's options (docs/behaviour.md §2), as an earlier mailet would set them.
        newsletter.setAttribute(new Attribute(AttributeName.of("smtpapi_open_tracking"), AttributeValue.of("false")));
        newsletter.setAttribute(new Attribute(AttributeName.of("smtpapi_click_tracking"), AttributeValue.of("0")));
        james.enqueue(newsletter);
        james.awaitIdle(SPOOL_TIMEOUT);

        // james-conf turns list_unsubscribe_enabled on: one copy per recipient for its own List-Unsubscribe URL.
        assertThat(james.mailsIn(LocalDelivery.REPOSITORY)).hasSize(2).allSatisfy(mail -> {
            assertThat(mail.recipients()).hasSize(1);
            assertThat(mail.message().getHeader("X-MSYS-API")).as("X-MSYS-API header").isNull();
            assertThat(mail.message().getHeader("List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");
            assertThat(rawBody(mail.message())).isEqualTo(rawBody(IncomingMail.message("winter-sale-newsletter.eml")));
        });
        assertThat(james.mailsIn(ERROR_REPOSITORY)).isEmpty();
    }

    @Test
    void mailFromOutsideTheTrackedScopeReachesLocalUsersUntouched() throws Exception {
        int untrackedMails = james.metricCount("smtpapi_mailet_untracked_mails");

        // Not logged in, not from a trusted network: the configuration's tracked-senders matcher does not match.
        james.enqueue(IncomingMail.of("order-shipped.eml", "orders@shop.example", "alice@demo.local", "bob@demo.local"));
        james.awaitIdle(SPOOL_TIMEOUT);

        assertThat(james.mailsIn(LocalDelivery.REPOSITORY)).singleElement().satisfies(mail -> {
            assertThat(mail.recipients()).containsExactlyInAnyOrder(
                new MailAddress("alice@demo.local"), new MailAddress("bob@demo.local"));
            assertThat(rawBody(mail.message())).isEqualTo(rawBody(IncomingMail.message("order-shipped.eml")));
            assertThat(mail.message().getContent().toString()).contains("https://shop.example/orders/4711/tracking");
        });
        assertThat(james.metricCount("smtpapi_mailet_untracked_mails") - untrackedMails)
            .as("the mailet never saw the mail").isZero();
    }

    @Test
    void aMailWithAnInvalidHeaderGoesToTheErrorProcessorWithMomentumsReason() throws Exception {
        Mail reset = IncomingMail.of("password-reset-invalid-header.eml", "accounts@demo.local", "alice@demo.local");
        loggedInOverSmtp(reset, "accounts@demo.local");
        james.enqueue(reset);
        james.awaitIdle(SPOOL_TIMEOUT);

        String reason = "550 5.6.0 X-MSYS-API 'metadata' must be of type 'json object'";
        assertThat(james.mailsIn(LocalDelivery.REPOSITORY)).as("delivered").isEmpty();
        assertThat(james.mailsIn(Bounce.REPOSITORY)).as("bounced to the sender").singleElement().satisfies(mail -> {
            assertThat(mail.errorMessage()).contains(reason);
            assertThat(mail.sender()).contains(new MailAddress("accounts@demo.local"));
        });
        assertThat(james.mailsIn(ERROR_REPOSITORY)).as("kept in the error repository").singleElement()
            .satisfies(mail -> assertThat(mail.errorMessage()).contains(reason));
    }

    /**
     * With the tracked URLs made alike, the pixel and the {@code data-msys-*} attributes taken out, the
     * delivered part is the original: nothing else of the newsletter was touched on its way through James.
     */
    private static void assertOnlyTheTrackingChanged(String delivered, String original) {
        assertThat(withoutTracking(delivered)).isEqualTo(withoutTracking(original));
    }

    private static String withoutTracking(String content) {
        String withoutPixel = OPEN_PIXEL.matcher(content).replaceAll("");
        String withoutAttributes = MSYS_ATTRIBUTE.matcher(withoutPixel).replaceAll("");
        String withoutClickUrls = CLICK_URL.matcher(withoutAttributes).replaceAll("LINK");
        return ORIGINAL_URL.matcher(withoutClickUrls).replaceAll("LINK");
    }

    private static void assertHtmlPartIsTracked(String html) {
        List<String> hrefs = HREF.matcher(html).results().map(match -> match.group(1)).toList();
        assertThat(hrefs).hasSize(4);
        assertThat(hrefs).filteredOn(href -> href.startsWith("mailto:")).containsExactly("mailto:help@demo.example");
        assertThat(hrefs).filteredOn(href -> !href.startsWith("mailto:"))
            .hasSize(3)
            .allMatch(href -> CLICK_URL.matcher(href).matches(), "is a click URL on " + TRACKING_DOMAIN);
        assertThat(html).doesNotContain("https://shop.demo.example").doesNotContain("data-msys-");
        assertThat(OPEN_PIXEL.matcher(html).results().count()).as("open pixels").isEqualTo(1);
        assertThat(html).contains("<h1>Winter sale: 30% off jackets</h1>");
    }

    private static void assertTextPartIsTracked(String text) {
        assertThat(text).doesNotContain("https://shop.demo.example");
        assertThat(CLICK_URL.matcher(text).results().count()).as("tracked links in the text part").isEqualTo(3);
        assertThat(text).contains("Questions? Write to help@demo.example.");
    }

    /** What James's SMTP server records when the client authenticated: the matcher SMTPAuthSuccessful reads it. */
    private static void loggedInOverSmtp(Mail mail, String user) {
        mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(user)));
    }

    private static List<MailAddress> recipientsOf(List<StoredMail> mails) {
        return mails.stream().flatMap(mail -> mail.recipients().stream()).toList();
    }

    private static String htmlPart(StoredMail mail) throws MessagingException, IOException {
        return part(mail.message(), "text/html");
    }

    private static String htmlPart(MimeMessage message) throws MessagingException, IOException {
        return part(message, "text/html");
    }

    private static String textPart(StoredMail mail) throws MessagingException, IOException {
        return part(mail.message(), "text/plain");
    }

    private static String textPart(MimeMessage message) throws MessagingException, IOException {
        return part(message, "text/plain");
    }

    private static String part(MimeMessage message, String mimeType) throws MessagingException, IOException {
        MimeMultipart alternative = (MimeMultipart) message.getContent();
        for (int i = 0; i < alternative.getCount(); i++) {
            BodyPart part = alternative.getBodyPart(i);
            if (part.isMimeType(mimeType)) {
                return (String) part.getContent();
            }
        }
        throw new AssertionError("No " + mimeType + " part in " + message.getMessageID());
    }

    /** The body as it travels, still transfer-encoded: equal bodies are byte-identical. */
    private static byte[] rawBody(MimeMessage message) throws MessagingException, IOException {
        try (InputStream raw = message.getRawInputStream()) {
            return raw.readAllBytes();
        }
    }

    /** A key file as {@code ./smtpapi keygen} writes it: {@code <id> <base64url secret of 32 bytes>}. */
    private static Path writeSigningKeys(Path file) throws IOException {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "# smtpapi signing keys: the first one signs\n1 "
            + Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    /** A local port that was free a moment ago: nothing listens on it. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String cassandraContactPoint() {
        return System.getProperty("smtpapi.cassandra.host", "127.0.0.1") + ":" + System.getProperty("smtpapi.cassandra.port", "9042");
    }

    /** The jar a user drops into extensions-jars/, as the mailet module built it (see this module's pom). */
    private static Path builtMailetJar() {
        String jar = System.getProperty("smtpapi.mailet.jar", "");
        if (jar.isBlank() || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("No mailet jar at '" + jar + "' (system property smtpapi.mailet.jar):"
                + " build the mailet module first (mvn -pl mailet install, or build the whole reactor)");
        }
        return Path.of(jar);
    }
}
