package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.smtpapi.store.CassandraTagStore;
import dev.smtpapi.store.Resolution;
import dev.smtpapi.testsupport.LocalCassandra;
import dev.smtpapi.testsupport.TestMessages;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TrackingToken;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.james.core.MailAddress;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The james39 jar as James loads it from {@code extensions-jars/}: in a class loader of its own whose parent
 * offers only what James itself provides (the mailet API, Jakarta Mail, SLF4J, James's metrics). The mailet must
 * find its bundled driver, the driver's reference.conf and Netty there, connect to the real Cassandra and track
 * a mail, while the thread's context class loader sees none of it (as in James).
 */
class ShadedJarIT {
    private static final List<String> PROVIDED_BY_JAMES = List.of("org.apache.mailet.", "org.apache.james.",
            "jakarta.mail.", "jakarta.activation.", "jakarta.inject.", "org.slf4j.", "org.eclipse.angus.");

    @TempDir
    Path dir;

    @Test
    void theShadedMailetTracksAMailThroughItsOwnBundledDriver() throws Exception {
        Path jar = Path.of(System.getProperty("smtpapi.shaded.jar"));
        assertThat(jar).exists();
        String keyspace = LocalCassandra.freshKeyspace("shaded_jar");
        Path keys = TestMail.signingKeys(dir);
        FakeMailContext context = FakeMailContext.defaultContext();
        RecordingMetricFactory metrics = new RecordingMetricFactory();

        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader extension = new URLClassLoader(new URL[] {jar.toUri().toURL()}, new JamesProvided())) {
            thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
            Class<?> type = extension.loadClass(EngagementTracking.class.getName());
            assertThat(type.getClassLoader()).isSameAs(extension);
            Mailet mailet = (Mailet) type.getConstructor(MetricFactory.class).newInstance(metrics);
            mailet.init(TestMail.config(context, keys, LocalCassandra.contactPoint(), keyspace).build());
            Mail mail = FakeMail.builder()
                    .name("Mail1713079800000-shaded")
                    .sender("news@northwind-outdoor.example")
                    .recipients(new MailAddress("ana.lima@example.org"), new MailAddress("ben@example.net"))
                    .mimeMessage(TestMail.mime(TestMessages.overSmtp("newsletter-qp.eml")))
                    .state("transport")
                    .build();

            mailet.service(mail);
            mailet.destroy();

            assertThat(mail.getState()).isEqualTo(Mail.GHOST);
            assertThat(context.getSentMails()).hasSize(2);
            assertThat(metrics.countFor(TrackingMetrics.TRACKED_COPIES)).isEqualTo(2);
        } finally {
            thread.setContextClassLoader(previous);
        }

        // Read back with the ordinary (unshaded) store: the links of the second copy resolve to its recipient.
        String html = TestMail.decodedPart(context.getSentMails().get(1).getMsg(), "text/html");
        Matcher click = Pattern.compile("/f/[^/]+/([A-Za-z0-9_-]+)").matcher(html);
        assertThat(click.find()).isTrue();
        TrackingToken token = TokenCodec.of(SigningKeys.load(keys)).decode(click.group(1)).orElseThrow();
        try (CqlSession session = TestMail.session(keyspace)) {
            Resolution resolution = CassandraTagStore.create(session, TestMail.storeSettings(keyspace)).resolve(token)
                    .orElseThrow();
            assertThat(resolution.recipient().rawAddress()).isEqualTo("ben@example.net");
            assertThat(resolution.link()).isPresent();
            LocalCassandra.dropKeyspace(session, keyspace);
        }
    }

    @Test
    void theJarBundlesNoClassOutsideItsOwnAndTheShadedPackages() throws Exception {
        Path jar = Path.of(System.getProperty("smtpapi.shaded.jar"));
        assertThat(Files.size(jar)).isGreaterThan(1_000_000);
        Set<String> topLevel;
        try (JarFile file = new JarFile(jar.toFile())) {
            topLevel = file.stream()
                    .map(entry -> entry.getName())
                    .filter(name -> name.endsWith(".class") && !name.startsWith("META-INF/"))
                    .map(name -> name.startsWith("dev/smtpapi/shaded/") ? "dev/smtpapi/shaded/"
                            : name.substring(0, name.lastIndexOf('/') + 1))
                    .filter(name -> !name.startsWith("dev/smtpapi/"))
                    .collect(Collectors.toSet());
            assertThat(file.getEntry("reference.conf")).isNotNull();
            assertThat(file.getEntry("dev/smtpapi/mailet/EngagementTracking.class")).isNotNull();
            assertThat(file.getEntry("org/apache/mailet/Mailet.class")).isNull();
            assertThat(file.getEntry("jakarta/mail/Message.class")).isNull();
        }
        assertThat(topLevel).isEmpty();
    }

    /** What James's own class path offers an extension jar; anything else is invisible to it. */
    private static final class JamesProvided extends ClassLoader {
        private final ClassLoader james = ShadedJarIT.class.getClassLoader();

        JamesProvided() {
            super(ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            for (String prefix : PROVIDED_BY_JAMES) {
                if (name.startsWith(prefix)) {
                    return james.loadClass(name);
                }
            }
            return super.loadClass(name, resolve);
        }
    }
}
