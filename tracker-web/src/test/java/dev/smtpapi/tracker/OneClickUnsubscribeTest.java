package dev.smtpapi.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.suppression.SenderUnsubscribeUrls;
import dev.smtpapi.suppression.SuppressedAddress;
import dev.smtpapi.suppression.SuppressionEntry;
import dev.smtpapi.suppression.SuppressionSource;
import dev.smtpapi.suppression.SuppressionType;
import dev.smtpapi.token.TrackingToken;
import dev.smtpapi.tracker.TrackerFixture.SentMessage;
import dev.smtpapi.tracker.event.EventType;
import dev.smtpapi.tracker.event.TrackingEvent;
import dev.smtpapi.tracker.unsubscribe.ForwardingSettings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /u/{token}} over real HTTP against the stand-alone tracker and the real Cassandra. */
class OneClickUnsubscribeTest {
    private static final String GMAIL = "Mozilla/5.0 (compatible; Google-One-Click-Unsubscribe)";

    private static TrackerFixture tracker;

    @BeforeAll
    static void start() throws Exception {
        tracker = TrackerFixture.start(OneClickUnsubscribeTest.class);
    }

    @AfterAll
    static void stop() {
        tracker.close();
    }

    @Test
    void aOneClickPostAnswers200RecordsOneListUnsubscribeAndSuppressesTheRecipientOnce() throws Exception {
        SentMessage news = tracker.send("winter-news", "{\"list\":\"w26\"}", List.of("news"),
                List.of("Dana.Reyes@Example.ORG", "eli@example.org"), List.of());
        String url = unsubscribeUrl(news, 0);

        HttpResponse<String> first = oneClick(url);
        HttpResponse<String> second = oneClick(url);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Location")).isEmpty();
        assertThat(first.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(tracker.server.tracker().suppressionList().entries(SuppressedAddress.of("Dana.Reyes@example.org")))
                .singleElement().satisfies(entry -> {
                    assertThat(entry.type()).isEqualTo(SuppressionType.NON_TRANSACTIONAL);
                    assertThat(entry.source()).isEqualTo(SuppressionSource.LIST_UNSUBSCRIBE);
                });
        assertThat(tracker.server.tracker().suppressionList().entries(SuppressedAddress.of("eli@example.org")))
                .as("the other recipient").isEmpty();
        tracker.awaitEventsStored();
        List<TrackingEvent> events = news.events();
        assertThat(events).as("one event for two POSTs").singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.LIST_UNSUBSCRIBE);
            assertThat(event.rcptTo()).isEqualTo("dana.reyes@example.org");
            assertThat(event.campaignId()).contains("winter-news");
            assertThat(event.userAgent()).isEqualTo(GMAIL);
        });
        HttpResponse<String> api = tracker.http.send(HttpRequest.newBuilder(URI.create(tracker.server.uri()
                        + "/api/v1/events/message?events=list_unsubscribe&campaigns=winter-news"))
                .header("Authorization", TrackerFixture.API_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.body()).contains("\"type\":\"list_unsubscribe\"").contains("dana.reyes@example.org");
    }

    @Test
    void aGetShowsAnEscapedConfirmationWhoseButtonPostsAndRecordsNothing() throws Exception {
        SentMessage news = tracker.send("escape-check", null, List.of(), List.of("\"<b>fred</b>\"@example.com"),
                List.of());
        String url = unsubscribeUrl(news, 0);

        HttpResponse<byte[]> page = tracker.get(url, "User-Agent", "Mozilla/5.0 (link scanner)");

        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(html).contains("&quot;&lt;b&gt;fred&lt;/b&gt;&quot;@example.com").doesNotContain("<b>fred");
        assertThat(html).contains("<form method=\"post\" action=\"/u/" + url.substring(url.lastIndexOf('/') + 1)
                + "\">").contains("name=\"List-Unsubscribe\" value=\"One-Click\"");
        assertThat(tracker.server.tracker().suppressionList().entries(
                SuppressedAddress.of("\"<b>fred</b>\"@example.com"))).isEmpty();
        tracker.awaitEventsStored();
        assertThat(news.events()).isEmpty();
    }

    @Test
    void forgedAndForeignTokensGetThePlain404OfClicks() throws Exception {
        SentMessage news = tracker.send("forgery", null, List.of(), List.of("gus@example.com"), List.of());
        String openToken = news.openUrl(0).substring(news.openUrl(0).lastIndexOf('/') + 1);
        byte[] clickNotFound = tracker.get(tracker.server.uri() + "/f/a/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                .body();

        for (String url : List.of(tracker.server.uri() + "/u/" + openToken,
                tracker.server.uri() + "/u/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                tracker.server.uri() + "/u/" + tracker.codec.encode(TrackingToken.unsubscribe(
                        java.util.UUID.randomUUID(), 0, news.record.expiry())))) {
            HttpResponse<String> post = oneClick(url);
            assertThat(post.statusCode()).as(url).isEqualTo(404);
            assertThat(post.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(clickNotFound);
            assertThat(tracker.get(url).statusCode()).isEqualTo(404);
        }
        assertThat(tracker.server.tracker().suppressionList().entries(SuppressedAddress.of("gus@example.com")))
                .isEmpty();
    }

    @Test
    void aPostWithoutTheOneClickBodyIsRefused() throws Exception {
        SentMessage news = tracker.send("no-body", null, List.of(), List.of("hana@example.com"), List.of());

        HttpResponse<String> response = tracker.http.send(HttpRequest.newBuilder(URI.create(unsubscribeUrl(news, 0)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(tracker.server.tracker().suppressionList().entries(SuppressedAddress.of("hana@example.com")))
                .isEmpty();
    }

    @Test
    void aPersonsClickOnAnUnsubscribeLinkPutsTheRecipientOnTheList() throws Exception {
        SentMessage news = tracker.send("link-unsub", null, List.of(), List.of("ivo@example.com"),
                List.of(LinkRecord.of("https://shop.example.com/leave", Optional.of("leave"), true)),
                Instant.now().minusSeconds(3600), true);

        HttpResponse<byte[]> click = tracker.get(news.clickUrl(0, 0), "User-Agent",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0");

        assertThat(click.statusCode()).isEqualTo(302);
        assertThat(tracker.server.tracker().suppressionList().entries(SuppressedAddress.of("ivo@example.com")))
                .extracting(SuppressionEntry::source).containsExactly(SuppressionSource.LINK_UNSUBSCRIBE);
    }

    @Test
    void theUnsubscribeIsForwardedToTheSendersOwnHttpsUrl() throws Exception {
        Path dir = Files.createTempDirectory("sender");
        try (dev.smtpapi.tracker.unsubscribe.SelfSignedSenderAccess sender =
                dev.smtpapi.tracker.unsubscribe.SelfSignedSenderAccess.start(dir);
                TrackerFixture forwarding = TrackerFixture.start(ForwardingTracker.class,
                        Map.of(ForwardingSettings.TRUSTED_CERTIFICATE, sender.certificate().toString()))) {
            SentMessage news = forwarding.send("forwarded", null, List.of(), List.of("jo@example.com"), List.of());
            SenderUnsubscribeUrls.create(forwarding.session, forwarding.server.tracker().settings().store())
                    .remember(news.record.messageKey(), sender.url("/leave?u=jo"), Instant.now(),
                            news.record.expiry());

            HttpRequest request = HttpRequest.newBuilder(URI.create(forwarding.server.uri() + "/u/"
                            + forwarding.codec.encode(TrackingToken.unsubscribe(news.record.messageKey(), 0,
                                    news.record.expiry()))))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build();
            assertThat(forwarding.http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);

            String forwarded = sender.awaitBody(Duration.ofSeconds(30));
            assertThat(forwarded).isEqualTo("List-Unsubscribe=One-Click");
        }
    }

    /** Names the keyspace of the second tracker, which trusts the sender's self-signed certificate. */
    private static final class ForwardingTracker {
    }

    private static String unsubscribeUrl(SentMessage message, int recipient) {
        return tracker.server.uri() + "/u/" + tracker.codec.encode(TrackingToken.unsubscribe(
                message.record.messageKey(), recipient, message.record.expiry()));
    }

    /** What Gmail sends: a form POST, no cookies, redirects not followed (the fixture's client never does). */
    private static HttpResponse<String> oneClick(String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", GMAIL)
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"))
                .build();
        return tracker.http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
