package dev.smtpapi.jamesit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.transport.mailets.LocalDelivery;
import org.apache.james.transport.mailets.RemoteDelivery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness itself, with a mailet of our own: James 3.9's mailet container loads it from a jar in
 * {@code extensions-jars/} and runs it inside the processors of a real {@code mailetcontainer.xml}.
 */
class ExtensionMailetInJamesTest {
    private static final Path EXTENSION_SOURCES = Path.of("src/test/extension/java");
    private static final String EXTENSION_MAILET = "dev.smtpapi.jamesit.extension.StampHeader";
    private static final MailRepositoryUrl ERROR_REPOSITORY = MailRepositoryUrl.from("memory://var/mail/error/");

    @Test
    void aMailGoesThroughTheProcessorsAndTheExtensionMailetStampsEveryDeliveredCopy(@TempDir Path jamesHome) throws Exception {
        JamesHome.withConfFrom(Path.of("src/test/resources/extension-demo/conf"))
            .withExtensionJar(ExtensionJar.build(EXTENSION_SOURCES, jamesHome.resolve("build/stamp-header.jar")))
            .writeTo(jamesHome);

        try (InProcessJames james = InProcessJames.boot(jamesHome)) {
            james.addUser("alice@demo.local", "alice-password");

            james.enqueue(IncomingMail.of("order-shipped.eml", "orders@shop.example", "alice@demo.local", "bob@example.org"));
            james.awaitIdle(Duration.ofSeconds(30));

            List<StoredMail> delivered = james.mailsIn(LocalDelivery.REPOSITORY);
            List<StoredMail> relayed = james.mailsIn(RemoteDelivery.REPOSITORY);
            assertThat(delivered).singleElement().satisfies(mail -> {
                assertThat(mail.recipients()).containsExactly(new MailAddress("alice@demo.local"));
                assertThat(mail.message().getHeader("X-Stamped-By")).containsExactly("a mailet from extensions-jars");
                assertThat(mail.message().getHeader("Bcc")).as("transport removes Bcc before delivery").isNull();
                assertThat(mail.message().getSubject()).isEqualTo("Your order 4711 has shipped");
            });
            assertThat(relayed).singleElement().satisfies(mail -> {
                assertThat(mail.recipients()).containsExactly(new MailAddress("bob@example.org"));
                assertThat(mail.message().getHeader("X-Stamped-By")).containsExactly("a mailet from extensions-jars");
            });
            assertThat(james.mailsIn(ERROR_REPOSITORY)).isEmpty();
        }
    }

    @Test
    void theExtensionMailetIsNotOnTheTestClasspathSoJamesLoadedItFromExtensionsJars() {
        assertThatThrownBy(() -> Class.forName(EXTENSION_MAILET))
            .isInstanceOf(ClassNotFoundException.class);
    }
}
