package dev.smtpapi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Mail for another domain leaves through James's RemoteDelivery (to the stack's loopback SMTP sink, standing
 * in for the internet) and is tracked exactly like local mail: the mailet runs before the relay processor.
 */
class RemoteDeliveryTest {
    @Test
    void aNewsletterToAnotherDomainIsTrackedOnItsWayOut() throws Exception {
        Stack stack = Stack.fromSystemProperty();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String subject = "Autumn is here " + run;
        String dave = "dave@example.com";
        Outbox outbox = new Outbox(stack);
        outbox.send(outbox.message("autumn-newsletter.eml", Map.of(
                        "TO", dave, "SUBJECT", subject, "MESSAGE_ID", run, "CAMPAIGN", "autumn-remote-" + run)),
                "news@" + stack.domain(), List.of(dave));

        List<MimeMessage> delivered = new Sink(stack).await(subject, 1, Duration.ofSeconds(90));
        MimeMessage message = delivered.get(0);
        assertThat(message.getHeader("X-Sink-Rcpt-To", ",")).isEqualTo("<" + dave + ">");
        DeliveredCopy copy = DeliveredCopy.of(message);
        assertThat(copy.header("X-MSYS-API")).isEmpty();
        assertThat(copy.htmlLinks().get(0)).startsWith(stack.clickPrefix());
        assertThat(copy.images()).anyMatch(src -> src.startsWith(stack.openPrefix()));

        HttpResponse<byte[]> click = new TrackerClient(stack).get(copy.htmlLinks().get(0));
        assertThat(click.statusCode()).isEqualTo(302);
        assertThat(click.headers().firstValue("Location"))
                .hasValue("https://shop.example.com/autumn/boots?utm_source=newsletter&utm_medium=email");
    }
}
