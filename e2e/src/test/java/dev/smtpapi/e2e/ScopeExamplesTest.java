package dev.smtpapi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The scope examples of james-conf/mailetcontainer.xml, in the running server: an attribute set by an earlier
 * mailet wins over the X-MSYS-API header, and a sending domain gets its own tracking domain.
 */
class ScopeExamplesTest {
    @Test
    void alertsAreNeverClickTrackedWhateverTheHeaderSays() throws Exception {
        Stack stack = Stack.fromSystemProperty();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String subject = "Reset your password " + run;
        Outbox outbox = new Outbox(stack);
        outbox.send(outbox.message("password-reset.eml", Map.of(
                        "TO", stack.address("carol"), "SUBJECT", subject, "MESSAGE_ID", run)),
                "alerts@" + stack.domain(), List.of(stack.address("carol")));

        DeliveredCopy copy = DeliveredCopy.of(new Mailbox(stack, "carol").await(subject, 1, Duration.ofSeconds(60)).get(0));
        assertThat(copy.htmlLinks()).containsExactly("https://shop.example.com/account/reset?code=8f14e45fceea167a");
        assertThat(copy.images()).as("open tracking stays on").anyMatch(src -> src.startsWith(stack.openPrefix()));
        assertThat(copy.header("X-MSYS-API")).isEmpty();
    }

    @Test
    void theShopSendingDomainHasItsOwnTrackingDomain() throws Exception {
        Stack stack = Stack.fromSystemProperty();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String subject = "Autumn is here " + run;
        Outbox outbox = new Outbox(stack);
        outbox.send(outbox.message("autumn-newsletter.eml", Map.of(
                        "TO", stack.address("alice"), "SUBJECT", subject, "MESSAGE_ID", run,
                        "CAMPAIGN", "shop-" + run)),
                "offers@shop." + stack.domain(), List.of(stack.address("alice")));

        DeliveredCopy copy = DeliveredCopy.of(new Mailbox(stack, "alice").await(subject, 1, Duration.ofSeconds(60)).get(0));
        String shopClickPrefix = "http://localhost:" + stack.trackerUrl().getPort() + "/f/";
        String link = copy.htmlLinks().get(0);
        assertThat(link).startsWith(shopClickPrefix);

        // localhost is the same tracker under another name: the link works.
        HttpResponse<byte[]> click = new TrackerClient(stack).get(link);
        assertThat(click.statusCode()).isEqualTo(302);
        assertThat(URI.create(click.headers().firstValue("Location").orElseThrow()).getPath()).isEqualTo("/autumn/boots");
    }
}
