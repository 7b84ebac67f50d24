package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.StoreSettings;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;

/** What the mailet tests share: real mail from the test resources, a key file, and the real Cassandra node. */
final class TestMail {
    static final String TRACKING_DOMAIN = "t.northwind-mail.example";

    private TestMail() {
    }

    /** A test message as it arrives over SMTP: CRLF line ends. */
    static byte[] eml(String name) {
        try (InputStream in = TestMail.class.getResourceAsStream("/mail/" + name)) {
            assertThat(in).as("test message %s", name).isNotNull();
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MimeMessage mime(byte[] raw) {
        try {
            return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
        } catch (MessagingException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] bytes(MimeMessage message) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            return out.toByteArray();
        } catch (IOException | MessagingException e) {
            throw new AssertionError(e);
        }
    }

    /** The decoded text of the first part of this type ({@code text/html}, {@code text/plain}), or "". */
    static String decodedPart(MimeMessage message, String type) {
        try {
            String found = firstPart(message, type);
            return found == null ? "" : found;
        } catch (IOException | MessagingException e) {
            throw new AssertionError(e);
        }
    }

    private static String firstPart(Part part, String type) throws IOException, MessagingException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                String found = firstPart(child, type);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        return part.isMimeType(type) ? (String) part.getContent() : null;
    }

    /** A signing-key file like the one {@code ./smtpapi keygen} writes. */
    static Path signingKeys(Path dir) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Path file = dir.resolve("smtpapi.keys");
        try {
            Files.writeString(file, "# test key\n7 " + Base64.getUrlEncoder().withoutPadding().encodeToString(secret)
                    + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static String cassandraContactPoint() {
        return System.getProperty("smtpapi.cassandra.host", "127.0.0.1") + ":"
                + Integer.getInteger("smtpapi.cassandra.port", 9042);
    }

    static String freshKeyspace(String purpose) {
        return (purpose + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    }

    /** The init parameters every test mailet gets: keys, Cassandra, a tracking domain. */
    static FakeMailetConfig.Builder config(FakeMailContext context, Path keys, String contactPoint, String keyspace) {
        return FakeMailetConfig.builder()
                .mailetName("EngagementTracking")
                .mailetContext(context)
                .setProperty(MailetSettings.SIGNING_KEYS_FILE, keys.toString())
                .setProperty(StoreSettings.CONTACT_POINTS, contactPoint)
                .setProperty(StoreSettings.KEYSPACE, keyspace)
                .setProperty(MailetSettings.TRACKING_DOMAIN, TRACKING_DOMAIN);
    }

    /** A session on the test keyspace, for reading back what the mailet wrote. */
    static CqlSession session(String keyspace) {
        return CassandraConnector.connect(storeSettings(keyspace));
    }

    static StoreSettings storeSettings(String keyspace) {
        return storeSettings(keyspace, StoreSettings.builder().build().consistency());
    }

    static StoreSettings storeSettings(String keyspace, DefaultConsistencyLevel consistency) {
        return StoreSettings.builder()
                .contactPoint(System.getProperty("smtpapi.cassandra.host", "127.0.0.1"),
                        Integer.getInteger("smtpapi.cassandra.port", 9042))
                .keyspace(keyspace)
                .consistency(consistency)
                .build();
    }

    static void dropKeyspace(CqlSession session, String keyspace) {
        session.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace)
                .setTimeout(Duration.ofSeconds(60)));
    }
}
