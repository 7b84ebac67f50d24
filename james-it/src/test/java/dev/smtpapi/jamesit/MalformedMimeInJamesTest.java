package dev.smtpapi.jamesit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.server.core.MailImpl;
import org.apache.james.transport.mailets.RemoteDelivery;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.smtpapi.testmail.MalformedMail;

/**
 * Malformed MIME through the shipped {@code mailetcontainer.xml} in James 3.9's container, with one more mailet
 * before EngagementTracking that adds a header and does not save the message (James 3.9's
 * {@code RemoveMimeHeader bcc} saves it, and fails on malformed MIME; the shipped configuration ignores that).
 * A changed, unsaved message makes James's {@code MimeMessageWrapper} rebuild it (and, for malformed MIME,
 * fail) whenever it is written the usual way.
 * Every message must still be delivered, without its {@code X-MSYS-API} header and with the body it was sent
 * with.
 */
class MalformedMimeInJamesTest {
    private static final String MAILET = "dev.smtpapi.mailet.EngagementTracking";
    private static final Path JAMES_CONF = Path.of(System.getProperty("smtpapi.james-conf.dir", "../james-conf"));
    private static final int MESSAGES = 1_080;
    private static final long SEED = 14_2026L;
    /** An earlier mailet that changes a header and leaves the message unsaved, as James 3.8's header mailets do. */
    private static final String HEADER_CHANGED_UNSAVED = """
        <mailet match="All" class="dev.smtpapi.jamesit.extension.StampHeader">
                        <header>X-Received-By</header>
                        <value>james-it</value>
                        <save>false</save>
                    </mailet>""";
    private static final MailRepositoryUrl ERROR_REPOSITORY = MailRepositoryUrl.from("memory://var/mail/error/");

    @TempDir
    static Path jamesHome;
    private static InProcessJames james;

    @BeforeAll
    static void startJames() throws Exception {
        Path keys = jamesHome.resolve("smtpapi-keys.properties");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Files.writeString(keys, "1 " + Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n");
        JamesHome home = JamesHome.withConfFrom(JAMES_CONF)
            .withMailetParameter(MAILET, "cassandra_contact_points", System.getProperty("smtpapi.cassandra.host", "127.0.0.1")
                + ":" + System.getProperty("smtpapi.cassandra.port", "9042"))
            .withMailetParameter(MAILET, "cassandra_keyspace", "smtpapi_james_it")
            .withMailetParameter(MAILET, "signing_keys_file", keys.toString())
            .withMailetBefore(MAILET, HEADER_CHANGED_UNSAVED)
            .withExtensionJar(ExtensionJar.build(Path.of("src/test/extension/java"), jamesHome.resolve("build/stamp-header.jar")))
            .withExtensionJar(Path.of(System.getProperty("smtpapi.mailet.jar")));
        james = InProcessJames.boot(home.writeTo(jamesHome.resolve("james")));
    }

    @AfterAll
    static void stopJames() {
        if (james != null) {
            james.close();
        }
    }

    @Test
    void everyMalformedMessageIsDeliveredWithTheBodyItWasSentWith() throws Exception {
        List<MalformedMail.Message> sent = MalformedMail.generate(SEED, MESSAGES, "james-it", MalformedMail.Bcc.HALF);
        int notRewritable = james.metricCount("smtpapi_mailet_not_rewritable");
        for (MalformedMail.Message message : sent) {
            james.enqueue(fromTrustedApplication(message));
        }
        james.awaitIdle(Duration.ofMinutes(5));

        Map<String, StoredMail> relayed = new HashMap<>();
        for (StoredMail mail : james.mailsIn(RemoteDelivery.REPOSITORY)) {
            relayed.put(mail.name(), mail);
        }
        assertThat(james.mailsIn(ERROR_REPOSITORY)).as("mails in the error repository").isEmpty();
        assertThat(relayed).as("mails relayed").hasSize(MESSAGES);
        for (MalformedMail.Message message : sent) {
            StoredMail delivered = relayed.get(nameOf(message));
            assertThat(delivered).as("delivery of %s", message.subject()).isNotNull();
            assertThat(delivered.recipients()).containsExactly(new MailAddress("customer-" + message.number() + "@example.com"));
            assertThat(new String(delivered.bytes(), StandardCharsets.ISO_8859_1))
                .as("headers of %s", message.subject())
                .doesNotContainIgnoringCase("X-MSYS-API:")
                .doesNotContainIgnoringCase("Bcc:")
                .contains("Subject: " + message.subject())
                .contains("X-Received-By: james-it");
            assertThat(MalformedMail.bodyOf(delivered.bytes())).as("body of %s", message.subject()).isEqualTo(message.body());
        }
        assertThat(james.metricCount("smtpapi_mailet_not_rewritable") - notRewritable)
            .as("messages counted as not rewritable").isPositive();
    }

    /** As James's SMTP server hands it over from a host of the trusted network: in the tracked-senders scope. */
    private static Mail fromTrustedApplication(MalformedMail.Message message) throws Exception {
        MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message.bytes()));
        Mail mail = MailImpl.builder()
            .name(nameOf(message))
            .sender("billing@shop.demo.local")
            .addRecipient("customer-" + message.number() + "@example.com")
            .mimeMessage(mime)
            .build();
        mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("billing@shop.demo.local")));
        return mail;
    }

    private static String nameOf(MalformedMail.Message message) {
        return "malformed-" + message.number();
    }
}
