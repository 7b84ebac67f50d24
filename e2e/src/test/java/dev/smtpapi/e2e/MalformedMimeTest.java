package dev.smtpapi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.testmail.MalformedMail;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Malformed MIME sent over SMTP to the real James 3.8.1 with the shipped configuration, whose
 * {@code RemoveMimeHeader bcc} changes every message before the mailet sees it: every message reaches the SMTP
 * sink (RemoteDelivery's gateway), without its {@code X-MSYS-API} header, with the body it was sent with.
 */
class MalformedMimeTest {
    private static final int MESSAGES = 1_008;
    private static final int CONNECTIONS = 4;
    private static final long SEED = 38_1L;

    @Test
    void everyMalformedMessageIsRelayedWithTheBodyItWasSentWith() throws Exception {
        Stack stack = Stack.fromSystemProperty();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<MalformedMail.Message> sent = MalformedMail.generate(SEED, MESSAGES, run, MalformedMail.Bcc.EVERY);
        Outbox outbox = new Outbox(stack);
        int perConnection = (MESSAGES + CONNECTIONS - 1) / CONNECTIONS;
        for (int from = 0; from < MESSAGES; from += perConnection) {
            List<MimeMessage> batch = new ArrayList<>();
            List<String> recipients = new ArrayList<>();
            for (MalformedMail.Message message : sent.subList(from, Math.min(MESSAGES, from + perConnection))) {
                batch.add(outbox.message(message.bytes()));
                recipients.add(recipientOf(message));
            }
            outbox.sendAll(batch, "billing@" + stack.domain(), recipients);
        }

        List<byte[]> relayed = new Sink(stack).awaitBytes("Malformed " + run + " #", MESSAGES, Duration.ofMinutes(4));
        Map<String, byte[]> bySubject = new HashMap<>();
        for (byte[] delivery : relayed) {
            String text = new String(delivery, StandardCharsets.ISO_8859_1);
            int start = text.indexOf("Subject: Malformed " + run + " #");
            assertThat(start).as("subject line in a delivery").isNotNegative();
            String subject = text.substring(start + "Subject: ".length(), text.indexOf("\r\n", start));
            assertThat(bySubject.put(subject, delivery)).as("second delivery of %s", subject).isNull();
        }
        assertThat(bySubject).hasSize(MESSAGES);
        for (MalformedMail.Message message : sent) {
            byte[] delivery = bySubject.get(message.subject());
            assertThat(delivery).as("delivery of %s", message.subject()).isNotNull();
            String text = new String(delivery, StandardCharsets.ISO_8859_1);
            assertThat(text).as("envelope and headers of %s", message.subject())
                    .contains("X-Sink-Rcpt-To: <" + recipientOf(message) + ">")
                    .doesNotContainIgnoringCase("X-MSYS-API:")
                    .doesNotContainIgnoringCase("Bcc:");
            assertThat(MalformedMail.bodyOf(delivery)).as("body of %s", message.subject()).isEqualTo(message.body());
        }
    }

    private static String recipientOf(MalformedMail.Message message) {
        return "customer-" + message.number() + "@example.com";
    }
}
