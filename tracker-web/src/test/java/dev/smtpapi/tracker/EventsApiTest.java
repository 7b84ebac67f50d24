package dev.smtpapi.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.tracker.TrackerFixture.SentMessage;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The events API and campaign counts, read back over HTTP after real clicks and opens. */
class EventsApiTest {
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final String DEALS = "https://shop.example.com/deals";
    private static final String BLOG = "https://blog.example.com/2026/11/winter";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TrackerFixture tracker;
    private static String api;

    /**
     * Campaign "winter": alice clicks deals twice and opens once, bob opens once through Apple MPP.
     * Campaign "blog": carol opens, clicks the blog link and loads the top pixel. Seven events in all.
     */
    @BeforeAll
    static void recordEngagement() throws Exception {
        tracker = TrackerFixture.start(EventsApiTest.class);
        api = tracker.server.uri() + "/api/v1";
        SentMessage winter = tracker.send("winter", "{\"list\":\"weekly\"}", List.of("promo"),
                List.of("Alice@Example.com", "bob@example.com"), List.of(LinkRecord.of(DEALS, Optional.of("deals"),
                        false)));
        SentMessage blog = tracker.send("blog", null, List.of(), List.of("carol@example.org"),
                List.of(LinkRecord.of(BLOG)));
        tracker.get(winter.openUrl(0), "User-Agent", CHROME);
        tracker.get(winter.clickUrl(0, 0), "User-Agent", CHROME);
        tracker.get(winter.clickUrl(0, 0), "User-Agent", CHROME);
        tracker.get(winter.openUrl(1), "User-Agent", "Mozilla/5.0");
        tracker.get(blog.openUrl(0), "User-Agent", CHROME);
        tracker.get(blog.clickUrl(0, 0), "User-Agent", CHROME);
        tracker.get(blog.initialOpenUrl(0), "User-Agent", CHROME);
        tracker.awaitEventsStored();
    }

    @AfterAll
    static void stop() throws Exception {
        tracker.close();
    }

    @Test
    void refuses_a_missing_or_wrong_key_and_accepts_the_key_raw_or_as_a_bearer_token() throws Exception {
        assertThat(tracker.get(api + "/events/message").statusCode()).isEqualTo(401);
        assertThat(tracker.get(api + "/events/message", "Authorization", "not-the-key-0123456789").statusCode())
                .isEqualTo(401);
        assertThat(tracker.get(api + "/metrics/campaigns").statusCode()).isEqualTo(401);
        assertThat(tracker.get(api + "/no/such/api").statusCode()).isEqualTo(401);
        assertThat(tracker.get(api + "/no/such/api", "Authorization", TrackerFixture.API_KEY).statusCode())
                .isEqualTo(404);
        assertThat(tracker.get(api + "/events/message", "Authorization", TrackerFixture.API_KEY).statusCode())
                .isEqualTo(200);
        assertThat(tracker.get(api + "/events/message", "Authorization", "Bearer " + TrackerFixture.API_KEY)
                .statusCode()).isEqualTo(200);
    }

    @Test
    void lists_every_event_newest_first_with_sparkpost_fields() throws Exception {
        JsonNode page = call("/events/message");

        assertThat(page.get("total_count").asInt()).isEqualTo(7);
        List<String> timestamps = new ArrayList<>();
        page.get("results").forEach(event -> timestamps.add(event.get("timestamp").asText()));
        assertThat(timestamps).isSortedAccordingTo((a, b) -> b.compareTo(a));
        JsonNode click = find(page, "click", "alice@example.com");
        assertThat(click.get("raw_rcpt_to").asText()).isEqualTo("Alice@Example.com");
        assertThat(click.get("campaign_id").asText()).isEqualTo("winter");
        assertThat(click.get("rcpt_meta").get("list").asText()).isEqualTo("weekly");
        assertThat(click.get("rcpt_tags").get(0).asText()).isEqualTo("promo");
        assertThat(click.get("target_link_url").asText()).isEqualTo(DEALS);
        assertThat(click.get("target_link_name").asText()).isEqualTo("deals");
        assertThat(click.get("ip_address").asText()).isEqualTo("127.0.0.1");
        assertThat(click.get("user_agent").asText()).isEqualTo(CHROME);
        assertThat(click.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(click.get("machine").asBoolean()).isFalse();
        assertThat(find(page, "open", "bob@example.com").get("machine_reason").asText()).isEqualTo("apple_mpp");
        assertThat(page.get("links").has("next")).isFalse();
    }

    @Test
    void filters_by_event_type_campaign_and_recipient() throws Exception {
        assertThat(types(call("/events/message?events=click"))).containsOnly("click").hasSize(3);
        assertThat(types(call("/events/message?events=open,initial_open&campaigns=blog")))
                .containsExactlyInAnyOrder("open", "initial_open");
        JsonNode alice = call("/events/message?recipients=ALICE@example.com&campaigns=winter,blog");
        assertThat(alice.get("total_count").asInt()).isEqualTo(3);
        assertThat(call("/events/message?campaigns=autumn").get("total_count").asInt()).isZero();
        assertThat(call("/events/message?from=2020-01-01T00:00&to=2020-01-02T00:00").get("total_count").asInt())
                .isZero();
    }

    @Test
    void pages_with_a_cursor_until_every_event_was_seen_once() throws Exception {
        List<String> seen = new ArrayList<>();
        JsonNode page = call("/events/message?per_page=3");
        int pages = 1;
        while (true) {
            assertThat(page.get("total_count").asInt()).isEqualTo(7);
            page.get("results").forEach(event -> seen.add(event.get("event_id").asText()));
            if (!page.get("links").has("next")) {
                break;
            }
            String next = page.get("links").get("next").asText();
            assertThat(next).startsWith("/api/v1/events/message?cursor=").contains("per_page=3");
            page = JSON.readTree(tracker.get(tracker.server.uri() + next, "Authorization", TrackerFixture.API_KEY)
                    .body());
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(7).doesNotHaveDuplicates();
    }

    @Test
    void rejects_bad_parameters_naming_them() throws Exception {
        HttpResponse<byte[]> badType = tracker.get(api + "/events/message?events=bounce", "Authorization",
                TrackerFixture.API_KEY);
        HttpResponse<byte[]> badPage = tracker.get(api + "/events/message?per_page=0", "Authorization",
                TrackerFixture.API_KEY);
        HttpResponse<byte[]> badTime = tracker.get(api + "/events/message?from=yesterday", "Authorization",
                TrackerFixture.API_KEY);

        assertThat(badType.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badType.body()).get("errors").get(0).get("param").asText()).isEqualTo("events");
        assertThat(JSON.readTree(badPage.body()).get("errors").get(0).get("param").asText()).isEqualTo("per_page");
        assertThat(JSON.readTree(badTime.body()).get("errors").get(0).get("param").asText()).isEqualTo("from");
    }

    @Test
    void counts_opens_and_clicks_per_campaign_split_into_humans_and_machines() throws Exception {
        JsonNode results = call("/metrics/campaigns").get("results");

        assertThat(results).hasSize(2);
        JsonNode blog = results.get(0);
        JsonNode winter = results.get(1);
        assertThat(blog.get("campaign_id").asText()).isEqualTo("blog");
        assertThat(blog.get("opens").get("human").asInt()).isEqualTo(2);
        assertThat(blog.get("unique_opens").get("human").asInt()).isEqualTo(1);
        assertThat(blog.get("clicks").get("total").asInt()).isEqualTo(1);
        assertThat(winter.get("campaign_id").asText()).isEqualTo("winter");
        assertThat(winter.get("opens").get("human").asInt()).isEqualTo(1);
        assertThat(winter.get("opens").get("machine").asInt()).isEqualTo(1);
        assertThat(winter.get("unique_opens").get("total").asInt()).isEqualTo(2);
        assertThat(winter.get("clicks").get("human").asInt()).isEqualTo(2);
        assertThat(winter.get("unique_clicks").get("human").asInt()).isEqualTo(1);
        assertThat(winter.get("unique_clicks").get("machine").asInt()).isZero();
        assertThat(call("/metrics/campaigns?campaigns=winter").get("results")).hasSize(1);
    }

    private static JsonNode call(String path) throws Exception {
        HttpResponse<byte[]> response = tracker.get(api + path, "Authorization", TrackerFixture.API_KEY);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> types(JsonNode page) {
        List<String> types = new ArrayList<>();
        page.get("results").forEach(event -> types.add(event.get("type").asText()));
        return types;
    }

    private static JsonNode find(JsonNode page, String type, String recipient) {
        for (JsonNode event : page.get("results")) {
            if (event.get("type").asText().equals(type) && event.get("rcpt_to").asText().equals(recipient)) {
                return event;
            }
        }
        throw new AssertionError("no " + type + " of " + recipient + " in " + page);
    }
}
