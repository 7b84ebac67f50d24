package dev.smtpapi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * RFC 8058 one-click unsubscribe through the real stack: a members' digest to three recipients of another
 * domain (fresh addresses each run, delivered to the SMTP sink), the one-click POST as Gmail sends it, the
 * suppression list and the events API, then the next digest and a transactional mail to the same people.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OneClickUnsubscribeTest {
    private static final Duration DELIVERY = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Stack stack;
    private TrackerClient tracker;
    private String run;
    private List<String> readers;
    private Pattern ourUrl;
    private final Map<String, MimeMessage> firstDigest = new LinkedHashMap<>();
    /** What a mailbox provider uses: no cookie store, redirects never followed. */
    private final HttpClient provider = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    void sendTheFirstDigest() throws Exception {
        stack = Stack.fromSystemProperty();
        tracker = new TrackerClient(stack);
        run = UUID.randomUUID().toString().substring(0, 8);
        readers = List.of("ann-" + run + "@example.com", "ben-" + run + "@example.com", "cy-" + run + "@example.com");
        ourUrl = Pattern.compile("<(" + Pattern.quote(stack.trackerUrl() + "/u/") + "[A-Za-z0-9_-]+)>");
        for (MimeMessage copy : send("digest", "Members digest 1 " + run, readers, false, 3)) {
            firstDigest.put(rcptTo(copy), copy);
        }
    }

    @Test
    @Order(1)
    void everyNonTransactionalCopyCarriesItsOwnOneClickUrlAndKeepsTheSendersMailto() throws Exception {
        assertThat(firstDigest.keySet()).containsExactlyInAnyOrderElementsOf(readers);
        Set<String> urls = new HashSet<>();
        for (Map.Entry<String, MimeMessage> copy : firstDigest.entrySet()) {
            MimeMessage message = copy.getValue();
            assertThat(message.getHeader("List-Unsubscribe-Post")).as("in %s's copy", copy.getKey())
                    .containsExactly("List-Unsubscribe=One-Click");
            String header = message.getHeader("List-Unsubscribe", ",");
            assertThat(header).contains("<mailto:leave-members@demo.local?subject=unsubscribe%20digest-" + run + ">");
            Matcher url = ourUrl.matcher(header);
            assertThat(url.find()).as("our URL in %s", header).isTrue();
            urls.add(url.group(1));
        }
        assertThat(urls).as("one URL per recipient").hasSize(3);
    }

    @Test
    @Order(2)
    void aGetShowsAConfirmationPageAndUnsubscribesNobody() throws Exception {
        HttpResponse<byte[]> page = tracker.get(oneClickUrl(readers.get(0)));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(new String(page.body(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("<form method=\"post\"").contains(readers.get(0));
        assertThat(suppressionEntry(readers.get(0)).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void aOneClickPostAsAMailboxProviderSendsItUnsubscribesThatRecipient() throws Exception {
        String ann = readers.get(0);
        HttpRequest oneClick = HttpRequest.newBuilder(URI.create(oneClickUrl(ann)))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", "Mozilla/5.0 (compatible; Google-One-Click-Unsubscribe)")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"))
                .build();

        HttpResponse<String> answer = provider.send(oneClick, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> again = provider.send(oneClick, HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Location")).isEmpty();
        assertThat(again.statusCode()).isEqualTo(200);
        HttpResponse<String> entry = suppressionEntry(ann);
        assertThat(entry.statusCode()).isEqualTo(200);
        JsonNode result = JSON.readTree(entry.body()).path("results").get(0);
        assertThat(result.path("type").asText()).isEqualTo("non_transactional");
        assertThat(result.path("source").asText()).isEqualTo("List Unsubscribe");
        List<JsonNode> events = tracker.awaitEvents(Map.of("events", "list_unsubscribe", "recipients", ann),
                Duration.ofSeconds(60), event -> ann.equals(event.path("rcpt_to").asText()));
        assertThat(events.get(0).path("campaign_id").asText()).isEqualTo("digest-" + run);
        assertThat(tracker.events(Map.of("events", "list_unsubscribe", "recipients", ann)).path("results"))
                .as("one event for the GET and two POSTs").hasSize(1);
        for (String other : readers.subList(1, 3)) {
            assertThat(suppressionEntry(other).statusCode()).isEqualTo(404);
        }
    }

    @Test
    @Order(4)
    void theNextDigestSkipsTheUnsubscribedReaderAndAReceiptStillReachesThem() throws Exception {
        String ann = readers.get(0);
        List<MimeMessage> digest = send("digest2", "Members digest 2 " + run, readers, false, 2);
        assertThat(digest).extracting(OneClickUnsubscribeTest::rcptTo)
                .containsExactlyInAnyOrderElementsOf(readers.subList(1, 3));

        List<MimeMessage> receipt = send("receipt", "Your order " + run, List.of(ann), true, 1);
        assertThat(receipt).extracting(OneClickUnsubscribeTest::rcptTo).containsExactly(ann);
        assertThat(receipt.get(0).getHeader("List-Unsubscribe-Post")).as("transactional mail has none").isNull();
        assertThat(receipt.get(0).getHeader("List-Unsubscribe", ",")).as("the sender's own header is left")
                .isEqualTo("<mailto:leave-members@demo.local?subject=unsubscribe%20receipt-" + run + ">");

        // The receipt went through after the digest; the digest's copy for ann would have been queued with
        // the other two copies, so it would be in the sink by now.
        assertThat(new Sink(stack).await("Members digest 2 " + run, 2, DELIVERY))
                .extracting(OneClickUnsubscribeTest::rcptTo).doesNotContain(ann);
    }

    private List<MimeMessage> send(String kind, String subject, List<String> to, boolean transactional, int expected)
            throws Exception {
        Outbox outbox = new Outbox(stack);
        outbox.send(outbox.message("members-digest.eml", Map.of(
                        "TO", String.join(", ", to),
                        "SUBJECT", subject,
                        "MESSAGE_ID", kind + "-" + run,
                        "CAMPAIGN", "digest-" + run,
                        "TRANSACTIONAL", Boolean.toString(transactional))),
                "members@" + stack.domain(), to);
        return new Sink(stack).await(subject, expected, DELIVERY);
    }

    private String oneClickUrl(String reader) throws Exception {
        Matcher url = ourUrl.matcher(firstDigest.get(reader).getHeader("List-Unsubscribe", ","));
        assertThat(url.find()).isTrue();
        return url.group(1);
    }

    private HttpResponse<String> suppressionEntry(String recipient) throws Exception {
        return provider.send(HttpRequest.newBuilder(URI.create(stack.trackerUrl() + "/api/v1/suppression-list/"
                        + recipient))
                .timeout(Duration.ofSeconds(20)).header("Authorization", stack.apiKey()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String rcptTo(MimeMessage message) {
        try {
            String header = message.getHeader("X-Sink-Rcpt-To", ",");
            return header.substring(1, header.length() - 1);
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }
}
