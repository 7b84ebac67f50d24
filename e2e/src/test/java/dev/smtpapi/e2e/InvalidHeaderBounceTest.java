package dev.smtpapi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An X-MSYS-API header whose metadata is a string, not a JSON object: the mail is not delivered, and its sender
 * gets a bounce saying why, in Momentum's words.
 */
class InvalidHeaderBounceTest {
    @Test
    void theSenderGetsABounceWithTheReasonAndTheRecipientNothing() throws Exception {
        Stack stack = Stack.fromSystemProperty();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String subject = "Your order 1042 " + run;
        Outbox outbox = new Outbox(stack);
        outbox.send(outbox.message("invalid-metadata.eml", Map.of(
                        "TO", stack.address("bob"), "SUBJECT", subject, "MESSAGE_ID", run)),
                stack.address("alice"), List.of(stack.address("bob")));

        List<MimeMessage> bounces = new Mailbox(stack, "alice").await(subject, 1, Duration.ofSeconds(60));
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        bounces.get(0).writeTo(raw);
        String bounce = raw.toString(StandardCharsets.UTF_8);
        assertThat(bounce).contains("5.6.0").contains("X-MSYS-API 'metadata' must be of type 'json object'");

        assertThat(new Mailbox(stack, "bob").fetch(subject)).as("bob's copies of the refused mail").isEmpty();
    }
}
