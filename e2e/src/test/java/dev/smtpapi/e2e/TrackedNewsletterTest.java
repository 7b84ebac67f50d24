package dev.smtpapi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A campaign mail, as a sending application injects it: one SMTP transaction to alice, bob and carol, an HTML
 * and a text part, an X-MSYS-API header with a campaign, metadata, tags and both trackings on. It goes through
 * the real James server with the mailet jar, and is checked the way its recipients and its sender would:
 * each mailbox over IMAP, the links in a browser, the events through the API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrackedNewsletterTest {
    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final List<String> RECIPIENTS = List.of("alice", "bob", "carol");
    private static final String BOOTS = "https://shop.example.com/autumn/boots?utm_source=newsletter&utm_medium=email";
    private static final String CARE_GUIDE = "https://shop.example.com/guides/leather-care#oils";
    private static final String UNSUBSCRIBE = "https://shop.example.com/unsubscribe?list=autumn-2026";

    private Stack stack;
    private TrackerClient tracker;
    private String campaign;
    private final Map<String, DeliveredCopy> copies = new LinkedHashMap<>();

    @BeforeAll
    void sendTheNewsletterToThreeRecipients() throws Exception {
        stack = Stack.fromSystemProperty();
        tracker = new TrackerClient(stack);
        String run = UUID.randomUUID().toString().substring(0, 8);
        campaign = "autumn-2026-" + run;
        String subject = "Autumn is here " + run;
        Outbox outbox = new Outbox(stack);
        List<String> addresses = RECIPIENTS.stream().map(stack::address).toList();
        outbox.send(outbox.message("autumn-newsletter.eml", Map.of(
                        "TO", String.join(", ", addresses),
                        "SUBJECT", subject,
                        "MESSAGE_ID", run,
                        "CAMPAIGN", campaign)),
                "news@" + stack.domain(), addresses);
        for (String user : RECIPIENTS) {
            List<MimeMessage> delivered = new Mailbox(stack, user).await(subject, 1, DELIVERY);
            assertThat(delivered).as("copies in %s's INBOX", user).hasSize(1);
            copies.put(user, DeliveredCopy.of(delivered.get(0)));
        }
    }

    @Test
    void noRecipientSeesTheXMsysApiHeader() throws Exception {
        for (Map.Entry<String, DeliveredCopy> copy : copies.entrySet()) {
            assertThat(copy.getValue().header("X-MSYS-API")).as("X-MSYS-API in %s's copy", copy.getKey()).isEmpty();
        }
    }

    @Test
    void everyWebLinkOfTheHtmlPartGoesThroughTheTracker() {
        for (Map.Entry<String, DeliveredCopy> copy : copies.entrySet()) {
            List<Element> anchors = copy.getValue().anchors();
            assertThat(anchors).as("links in %s's copy", copy.getKey()).hasSize(4);
            assertThat(anchors.get(0).attr("href")).startsWith(stack.clickPrefix());
            assertThat(anchors.get(1).attr("href")).startsWith(stack.clickPrefix());
            assertThat(anchors.get(2).attr("href")).as("a mailto: link is left alone").isEqualTo("mailto:help@demo.local");
            assertThat(anchors.get(3).attr("href")).as("a link marked data-msys-clicktrack=\"0\" is left alone")
                    .isEqualTo(UNSUBSCRIBE);
            for (Element anchor : anchors) {
                assertThat(anchor.attributes().asList()).as("data-msys-* attributes are removed")
                        .noneMatch(attribute -> attribute.getKey().startsWith("data-msys-"));
            }
            assertThat(anchors.get(0).text()).isEqualTo("Shop the boots");
        }
    }

    @Test
    void everyCopyHasOneOpenPixelOfItsOwn() {
        Set<String> pixels = new HashSet<>();
        for (Map.Entry<String, DeliveredCopy> copy : copies.entrySet()) {
            List<String> opens = copy.getValue().images().stream().filter(src -> src.startsWith(stack.openPrefix())).toList();
            assertThat(opens).as("open pixels in %s's copy", copy.getKey()).hasSize(1);
            pixels.add(opens.get(0));
        }
        assertThat(pixels).as("pixels of three recipients").hasSize(3);
    }

    @Test
    void theTextPartIsTrackedExceptTheOptedOutLink() {
        for (Map.Entry<String, DeliveredCopy> copy : copies.entrySet()) {
            DeliveredCopy delivered = copy.getValue();
            List<String> links = delivered.textLinks();
            assertThat(links).as("URLs in %s's text part", copy.getKey()).hasSize(3);
            assertThat(links.get(0)).startsWith(stack.clickPrefix());
            assertThat(links.get(1)).startsWith(stack.clickPrefix());
            assertThat(links.get(2)).isEqualTo(UNSUBSCRIBE);
            assertThat(delivered.text()).as("the opt-out marker is removed").doesNotContain("data-msys-clicktrack")
                    .contains("Read the care guide (" + links.get(1) + ").");
        }
    }

    @Test
    void noTwoRecipientsShareATrackedLink() {
        Set<String> all = new HashSet<>();
        int count = 0;
        for (DeliveredCopy copy : copies.values()) {
            List<String> tracked = new ArrayList<>(copy.htmlLinks());
            tracked.addAll(copy.textLinks());
            tracked.removeIf(url -> !url.startsWith(stack.clickPrefix()));
            count += tracked.size();
            all.addAll(tracked);
        }
        assertThat(count).isEqualTo(3 * 4);
        assertThat(all).as("distinct tracked URLs over three copies").hasSize(count);
    }

    @Test
    void clickingRedirectsToTheOriginalTargetsAndTheEventsApiListsTheClickAndTheOpen() throws Exception {
        DeliveredCopy bobs = copies.get("bob");
        String bootsLink = bobs.htmlLinks().get(0);
        String careGuideLink = bobs.htmlLinks().get(1);
        String textCareGuideLink = bobs.textLinks().get(1);

        HttpResponse<byte[]> click = tracker.get(bootsLink);
        assertThat(click.statusCode()).isEqualTo(302);
        assertThat(click.headers().firstValue("Location")).hasValue(BOOTS);

        HttpResponse<byte[]> fragmentClick = tracker.get(careGuideLink);
        assertThat(fragmentClick.statusCode()).isEqualTo(302);
        assertThat(fragmentClick.headers().firstValue("Location")).as("the fragment is kept").hasValue(CARE_GUIDE);

        HttpResponse<byte[]> textPartClick = tracker.get(textCareGuideLink);
        assertThat(textPartClick.statusCode()).isEqualTo(302);
        assertThat(textPartClick.headers().firstValue("Location"))
                .hasValue("https://shop.example.com/guides/leather-care");

        String pixel = bobs.images().stream().filter(src -> src.startsWith(stack.openPrefix())).findFirst().orElseThrow();
        HttpResponse<byte[]> open = tracker.get(pixel);
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.headers().firstValue("Content-Type")).hasValue("image/gif");
        assertThat(new String(open.body(), 0, 6, StandardCharsets.US_ASCII)).isEqualTo("GIF89a");

        // Carol opens too: her pixel is hers, so her open is recorded for her, not for bob.
        String carolsPixel = copies.get("carol").images().stream().filter(src -> src.startsWith(stack.openPrefix()))
                .findFirst().orElseThrow();
        assertThat(tracker.get(carolsPixel).statusCode()).isEqualTo(200);

        String bob = stack.address("bob");
        String carol = stack.address("carol");
        List<JsonNode> events = tracker.awaitEvents(Map.of("campaigns", campaign), Duration.ofSeconds(60),
                event -> "click".equals(event.path("type").asText())
                        && BOOTS.equals(event.path("target_link_url").asText()),
                event -> "open".equals(event.path("type").asText()) && bob.equals(event.path("rcpt_to").asText()),
                event -> "open".equals(event.path("type").asText()) && carol.equals(event.path("rcpt_to").asText()));
        JsonNode clickEvent = events.get(0);
        JsonNode openEvent = events.get(1);
        assertThat(clickEvent.path("rcpt_to").asText()).isEqualTo(bob);
        assertThat(tracker.events(Map.of("campaigns", campaign, "events", "click")).path("results"))
                .as("clicks of the campaign, all bob's")
                .isNotEmpty()
                .allSatisfy(event -> assertThat(event.path("rcpt_to").asText()).isEqualTo(bob));
        for (JsonNode event : events) {
            assertThat(event.path("campaign_id").asText()).isEqualTo(campaign);
            assertThat(event.path("rcpt_tags").toString()).isEqualTo("[\"newsletter\",\"autumn\"]");
            assertThat(event.path("rcpt_meta").path("customer_tier").asText()).isEqualTo("gold");
            assertThat(event.path("rcpt_meta").path("list").asText()).isEqualTo("autumn-2026");
        }
        assertThat(clickEvent.path("target_link_name").asText()).isEqualTo("hero-boots");
        assertThat(openEvent.path("message_id").asText()).isEqualTo(clickEvent.path("message_id").asText());
    }
}
