package dev.smtpapi.jamesit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.transport.mailets.Bounce;
import org.apache.james.transport.mailets.RemoteDelivery;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scope whose matcher the tracked copies no longer match ({@code HasHeader=X-MSYS-API}: copies lose the
 * header) must not change how James judges them. The shipped relay rule lets through mail "sent by a mailet";
 * James's {@code sendMail} marks every mail it queues so, which would relay the copies of a mail whose original
 * the rule refused. Mail is handed to the container directly, as any entry point but SMTP does (James's SMTP
 * server would refuse unauthenticated relaying itself, at RCPT time).
 */
class SplitCopiesRelayInJamesTest {
    private static final String MAILET = "dev.smtpapi.mailet.EngagementTracking";
    private static final Path JAMES_CONF = Path.of(System.getProperty("smtpapi.james-conf.dir", "../james-conf"));
    private static final String TRACKING_DOMAIN = "click.demo-outdoor.example";
    private static final MailRepositoryUrl ERROR_REPOSITORY = MailRepositoryUrl.from("memory://var/mail/error/");
    private static final Duration SPOOL_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path jamesHome;
    private static InProcessJames james;

    @BeforeAll
    static void startJamesWithAHeaderScope() throws Exception {
        Path keys = jamesHome.resolve("smtpapi-keys.properties");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Files.writeString(keys, "1 " + Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n");
        JamesHome home = JamesHome.withConfFrom(JAMES_CONF)
            .withMailetMatcher(MAILET, "HasHeader=X-MSYS-API")
            .withMailetParameter(MAILET, "tracking_domain", TRACKING_DOMAIN)
            .withMailetParameter(MAILET, "cassandra_contact_points", System.getProperty("smtpapi.cassandra.host", "127.0.0.1")
                + ":" + System.getProperty("smtpapi.cassandra.port", "9042"))
            .withMailetParameter(MAILET, "cassandra_keyspace", "smtpapi_james_it")
            .withMailetParameter(MAILET, "signing_keys_file", keys.toString())
            .withExtensionJar(Path.of(System.getProperty("smtpapi.mailet.jar")));
        james = InProcessJames.boot(home.writeTo(jamesHome.resolve("james")));
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
    void noCopyOfAMailFromAnUnauthenticatedSenderOutsideTheTrustedNetworksIsRelayed() throws Exception {
        int trackedCopies = james.metricCount("smtpapi_mailet_tracked_copies");
        james.enqueue(IncomingMail.of("winter-sale-newsletter.eml", "news@outside.example", "carol@example.org", "dan@example.net"));
        james.awaitIdle(SPOOL_TIMEOUT);

        assertThat(james.metricCount("smtpapi_mailet_tracked_copies") - trackedCopies).as("tracked copies").isEqualTo(2);
        assertThat(james.mailsIn(RemoteDelivery.REPOSITORY)).as("mail given to RemoteDelivery").isEmpty();
        assertThat(james.mailsIn(Bounce.REPOSITORY)).as("copies refused by the relay rule, bounced by relay-denied")
            .flatMap(StoredMail::recipients)
            .containsExactlyInAnyOrder(new MailAddress("carol@example.org"), new MailAddress("dan@example.net"));
        assertThat(james.mailsIn(ERROR_REPOSITORY)).isEmpty();
    }

    @Test
    void theSameMailFromAnAuthenticatedSenderIsRelayedAsOneTrackedCopyPerRecipient() throws Exception {
        Mail newsletter = IncomingMail.of("winter-sale-newsletter.eml", "news@demo.local", "carol@example.org", "dan@example.net");
        newsletter.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("news@demo.local")));
        james.enqueue(newsletter);
        james.awaitIdle(SPOOL_TIMEOUT);

        List<StoredMail> relayed = james.mailsIn(RemoteDelivery.REPOSITORY);
        assertThat(relayed).flatMap(StoredMail::recipients)
            .containsExactlyInAnyOrder(new MailAddress("carol@example.org"), new MailAddress("dan@example.net"));
        assertThat(relayed).allSatisfy(copy -> {
            assertThat(copy.recipients()).hasSize(1);
            assertThat(copy.message().getHeader("X-MSYS-API")).as("X-MSYS-API header").isNull();
            assertThat(new String(copy.bytes(), StandardCharsets.ISO_8859_1))
                .as("the 7bit text part of the copy for %s", copy.recipients())
                .contains("http://" + TRACKING_DOMAIN + "/f/");
        });
        assertThat(james.mailsIn(Bounce.REPOSITORY)).isEmpty();
        assertThat(james.mailsIn(ERROR_REPOSITORY)).isEmpty();
    }
}
