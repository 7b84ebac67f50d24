package dev.smtpapi.mailet;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.testsupport.LocalCassandra;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;

/**
 * What the mailet tests share: reading and writing mail, a key file, and the mailet's settings and a
 * session for a keyspace on the real Cassandra node ({@link LocalCassandra}).
 */
final class TestMail {
    static final String TRACKING_DOMAIN = "t.northwind-mail.example";

    private TestMail() {
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
                .contactPoint(LocalCassandra.host(), LocalCassandra.port())
                .keyspace(keyspace)
                .consistency(consistency)
                .build();
    }
}
