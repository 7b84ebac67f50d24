package dev.smtpapi.tracker.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpapi.store.CampaignCounters;
import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.testsupport.LocalCassandra;
import dev.smtpapi.tracker.TrackerFixture.SentMessage;
import dev.smtpapi.tracker.TrackerFixture;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The report page over real HTTP against a stand-alone tracker and a real Cassandra: sign-in and its
 * protections, the numbers against the events API's, and sender-controlled text that must stay text.
 * (The real browser test, with the chart and scripts running, is e2e's ReportPageBrowserTest.)
 */
class ReportPageTest {
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    /** A campaign id and a link name a hostile sender might choose. */
    private static final String EVIL_CAMPAIGN = "\"><img src=x onerror=alert(1)><script>alert(2)</script>";
    private static final String EVIL_LINK = "'\"><img src=y onerror=alert(3)><script>alert(4)</script>";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TrackerFixture tracker;
    private static String report;

    /**
     * Campaign "winter": three copies; alice opens and clicks "deals" twice, bob opens through Apple MPP, and
     * carol opens 30 times (enough events for two pages). The hostile campaign: one copy, opened and clicked.
     */
    @BeforeAll
    static void recordEngagement() throws Exception {
        tracker = TrackerFixture.start(ReportPageTest.class);
        report = tracker.server.uri() + "/report/";
        CampaignCounters counters = CampaignCounters.create(tracker.session, StoreSettings.builder()
                .contactPoint(LocalCassandra.host(), LocalCassandra.port())
                .keyspace(tracker.keyspace).build());
        SentMessage winter = tracker.send("winter", null, List.of(), List.of("alice@example.com", "bob@example.com",
                "carol@example.com"), List.of(LinkRecord.of("https://shop.example.com/deals", Optional.of("deals"),
                false), LinkRecord.of("https://shop.example.com/boots")));
        counters.addCopies("Mail1", Optional.of("winter"), Instant.now(), 3);
        SentMessage evil = tracker.send(EVIL_CAMPAIGN, null, List.of(), List.of("dave@example.com"),
                List.of(LinkRecord.of("https://example.com/?q=<script>alert(5)</script>", Optional.of(EVIL_LINK),
                        false)));
        counters.addCopies("Mail2", Optional.of(EVIL_CAMPAIGN), Instant.now(), 1);
        tracker.get(winter.openUrl(0), "User-Agent", CHROME);
        tracker.get(winter.clickUrl(0, 0), "User-Agent", CHROME);
        tracker.get(winter.clickUrl(0, 0), "User-Agent", CHROME);
        tracker.get(winter.clickUrl(0, 1), "User-Agent", CHROME);
        tracker.get(winter.openUrl(1), "User-Agent", "Mozilla/5.0");
        for (int i = 0; i < 30; i++) {
            tracker.get(winter.openUrl(2), "User-Agent", CHROME);
        }
        tracker.get(evil.openUrl(0), "User-Agent", CHROME);
        tracker.get(evil.clickUrl(0, 0), "User-Agent", CHROME);
        tracker.awaitEventsStored();
        awaitCopies(counters, 4);
    }

    @AfterAll
    static void stop() {
        tracker.close();
    }

    @Test
    void the_sign_in_form_sets_only_http_only_same_site_strict_cookies_and_the_session_reads_the_report()
            throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> signIn = browser.get(report);
        assertThat(signIn.statusCode()).isEqualTo(200);
        assertThat(signIn.headers().firstValue("Content-Security-Policy")).hasValue(ReportServlet.CONTENT_SECURITY_POLICY);
        assertThat(signIn.headers().allValues("Set-Cookie")).singleElement().asString()
                .startsWith(ReportServlet.SIGN_IN_COOKIE + "=").contains("; HttpOnly", "; SameSite=Strict");
        Document form = Jsoup.parse(signIn.body());
        assertThat(form.select("form#sign-in").attr("method")).isEqualTo("post");
        assertThat(form.select("form#sign-in input[type=password][name=api_key]")).hasSize(1);

        HttpResponse<String> signedIn = browser.signIn(TrackerFixture.API_KEY);
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith(ReportServlet.SESSION_COOKIE + "=").contains("; HttpOnly", "; SameSite=Strict", "; Path=/report"));
        HttpResponse<String> campaigns = browser.get(report);
        assertThat(campaigns.statusCode()).isEqualTo(200);
        assertThat(Jsoup.parse(campaigns.body()).select("#campaigns tr[data-campaign]").eachAttr("data-campaign"))
                .containsExactlyInAnyOrder("winter", EVIL_CAMPAIGN);
        assertThat(campaigns.body()).doesNotContain(TrackerFixture.API_KEY);
    }

    @Test
    void sign_in_is_refused_without_the_forms_token_with_a_wrong_key_from_another_site_or_with_the_key_in_the_url()
            throws Exception {
        Browser noToken = new Browser();
        assertThat(noToken.post(report + "sign-in", Map.of("api_key", TrackerFixture.API_KEY, "csrf", "guess"))
                .statusCode()).as("no sign-in cookie, a guessed token").isEqualTo(403);

        Browser wrongKey = new Browser();
        assertThat(wrongKey.signIn("not-the-key-0123456789").statusCode()).isEqualTo(401);
        assertThat(wrongKey.get(report).body()).contains("form").doesNotContain("id=\"campaigns\"");

        Browser forged = new Browser();
        String token = forged.signInToken();
        assertThat(forged.post(report + "sign-in", Map.of("api_key", TrackerFixture.API_KEY, "csrf", token),
                "Sec-Fetch-Site", "cross-site").statusCode()).isEqualTo(403);

        Browser inUrl = new Browser();
        String urlToken = inUrl.signInToken();
        assertThat(inUrl.post(report + "sign-in?api_key=" + TrackerFixture.API_KEY, Map.of("csrf", urlToken))
                .statusCode()).isEqualTo(400);
        assertThat(inUrl.get(report).body()).doesNotContain("id=\"campaigns\"");
    }

    @Test
    void sign_out_needs_the_sessions_token_and_ends_the_session() throws Exception {
        Browser browser = new Browser();
        browser.signIn(TrackerFixture.API_KEY);
        Document page = Jsoup.parse(browser.get(report).body());
        String token = page.select("form#sign-out input[name=csrf]").attr("value");
        assertThat(token).isNotEmpty();

        assertThat(browser.post(report + "sign-out", Map.of("csrf", "forged")).statusCode()).isEqualTo(403);
        assertThat(browser.get(report).body()).contains("id=\"campaigns\"");

        assertThat(browser.post(report + "sign-out", Map.of("csrf", token)).statusCode()).isEqualTo(303);
        assertThat(browser.get(report).body()).contains("id=\"sign-in\"").doesNotContain("id=\"campaigns\"");
    }

    @Test
    void the_campaigns_numbers_are_the_events_apis_and_the_rates_are_per_copy_sent() throws Exception {
        Browser browser = new Browser();
        browser.signIn(TrackerFixture.API_KEY);
        Document page = Jsoup.parse(browser.get(report).body());
        Element table = page.selectFirst("#campaigns");
        JsonNode api = metrics(table.attr("data-from"), table.attr("data-to"));
        for (Element row : table.select("tr[data-campaign]")) {
            JsonNode expected = api.get(row.attr("data-campaign"));
            for (String metric : List.of("opens", "unique_opens", "clicks", "unique_clicks")) {
                Element cell = row.selectFirst("td[data-metric=" + metric + "]");
                assertThat(List.of(cell.attr("data-human"), cell.attr("data-machine"), cell.attr("data-total")))
                        .as("%s of %s", metric, row.attr("data-campaign"))
                        .containsExactly(expected.path(metric).path("human").asText(),
                                expected.path(metric).path("machine").asText(), expected.path(metric).path("total").asText());
            }
        }
        Element winter = table.selectFirst("tr[data-campaign=winter]");
        assertThat(winter.selectFirst("td[data-metric=copies_sent]").text()).isEqualTo("3");
        assertThat(winter.selectFirst("td[data-metric=opens]").attr("data-total")).isEqualTo("32");
        assertThat(winter.selectFirst("td[data-metric=unique_opens]").text()).isEqualTo("3 2 human · 1 machine");
        assertThat(winter.selectFirst("td[data-metric=open_rate]").text()).isEqualTo("100.0 % 66.7 % human");
        assertThat(winter.selectFirst("td[data-metric=click_rate]").text()).isEqualTo("33.3 % 33.3 % human");
    }

    @Test
    void a_campaign_shows_its_chart_data_links_machine_reasons_and_pages_through_its_events() throws Exception {
        Browser browser = new Browser();
        browser.signIn(TrackerFixture.API_KEY);
        // The page scans what Cassandra returns at the moment it is asked; on a busy node the last writes can
        // take a moment to show, so ask again (for at most 30 s) until the chart holds every open.
        Document page = Jsoup.parse(browser.get(report + "campaign?id=winter").body());
        JsonNode series = JSON.readTree(page.selectFirst("canvas#activity-chart").attr("data-series"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (sum(series.path("opens")) < 32 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            page = Jsoup.parse(browser.get(report + "campaign?id=winter").body());
            series = JSON.readTree(page.selectFirst("canvas#activity-chart").attr("data-series"));
        }
        assertThat(series.path("unit").asText()).isEqualTo("hour");
        assertThat(series.path("labels")).hasSizeBetween(24, 25);
        assertThat(sum(series.path("opens"))).isEqualTo(32);
        assertThat(sum(series.path("clicks"))).isEqualTo(3);
        assertThat(page.select("#links tr[data-link]").eachAttr("data-link")).containsExactly("deals",
                "https://shop.example.com/boots");
        assertThat(page.select("#links tr[data-link=deals] td").eachText())
                .containsExactly("deals https://shop.example.com/deals", "2", "2", "0");
        assertThat(page.select("#machine-reasons tr[data-reason]").eachText()).containsExactly("apple_mpp 1 0");

        assertThat(page.select("#events tr[data-event-id]")).hasSize(25);
        assertThat(page.selectFirst("#events").attr("data-total-count")).isEqualTo("35");
        String older = page.selectFirst("a#older-events").attr("href");
        Document second = Jsoup.parse(browser.get(tracker.server.uri() + older).body());
        assertThat(second.select("#events tr[data-event-id]")).hasSize(10);
        assertThat(second.select("a#older-events")).isEmpty();
        assertThat(second.select("#events tr[data-event-id]").eachAttr("data-event-id"))
                .doesNotContainAnyElementsOf(page.select("#events tr[data-event-id]").eachAttr("data-event-id"));
        assertThat(second.selectFirst("#summary [data-metric=opens]").attr("data-total")).isEqualTo("32");
    }

    @Test
    void a_hostile_campaign_id_link_name_and_url_stay_text_on_every_page() throws Exception {
        Browser browser = new Browser();
        browser.signIn(TrackerFixture.API_KEY);
        Document campaigns = Jsoup.parse(browser.get(report).body());
        Document campaign = Jsoup.parse(browser.get(report + "campaign?id="
                + URLEncoder.encode(EVIL_CAMPAIGN, StandardCharsets.UTF_8)).body());
        for (Document page : List.of(campaigns, campaign)) {
            assertThat(page.select("img")).as("images").isEmpty();
            assertThat(page.select("script").eachAttr("src")).as("scripts").hasSize(2)
                    .allSatisfy(src -> assertThat(src).startsWith("/report/assets/"));
            assertThat(page.select("[onerror]")).isEmpty();
        }
        assertThat(campaigns.select("#campaigns tr[data-campaign] a").eachText()).contains(EVIL_CAMPAIGN);
        assertThat(campaign.selectFirst("#campaign-id").text()).isEqualTo(EVIL_CAMPAIGN);
        assertThat(campaign.select("#links tr[data-link] .link-label").eachText()).containsExactly(EVIL_LINK);
        assertThat(campaign.select("#links .link-url").eachText())
                .containsExactly("https://example.com/?q=<script>alert(5)</script>");
    }

    @Test
    void the_chart_library_and_the_pages_own_files_are_served_by_the_tracker_itself() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> chart = browser.get(report + "assets/chart.umd.min.js");
        assertThat(chart.statusCode()).isEqualTo(200);
        assertThat(chart.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/javascript"));
        assertThat(chart.body()).contains("Chart.js v4");
        assertThat(browser.get(report + "assets/report.js").body()).contains("new Chart(");
        assertThat(browser.get(report + "assets/../../WEB-INF/web.xml").statusCode()).isEqualTo(404);
        assertThat(browser.get(report + "assets/report.css").statusCode()).isEqualTo(200);
    }

    private static long sum(JsonNode numbers) {
        long total = 0;
        for (JsonNode number : numbers) {
            total += number.asLong();
        }
        return total;
    }

    /** {@code GET /api/v1/metrics/campaigns} over the same window, by campaign id. */
    private static Map<String, JsonNode> metricsByCampaign(String from, String to) throws Exception {
        HttpResponse<String> response = new Browser().get(tracker.server.uri() + "/api/v1/metrics/campaigns?from="
                + from + "&to=" + to, "Authorization", TrackerFixture.API_KEY);
        assertThat(response.statusCode()).isEqualTo(200);
        return java.util.stream.StreamSupport.stream(JSON.readTree(response.body()).path("results").spliterator(), false)
                .collect(Collectors.toMap(row -> row.path("campaign_id").asText(), row -> row));
    }

    private static JsonNode metrics(String from, String to) throws Exception {
        return JSON.valueToTree(metricsByCampaign(from, to));
    }

    private static void awaitCopies(CampaignCounters counters, long total) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Instant now = Instant.now();
        while (counters.copiesBetween(now.minus(Duration.ofHours(2)), now.plus(Duration.ofHours(1))).values()
                .stream().mapToLong(Long::longValue).sum() < total && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** A browser without scripts: keeps its cookies, sends forms, follows no redirects. */
    private static final class Browser {
        private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> get(String url, String... headers) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
            if (headers.length > 0) {
                request.headers(headers);
            }
            return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String url, Map<String, String> form, String... headers) throws Exception {
            String body = form.entrySet().stream().map(field -> field.getKey() + "="
                    + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded");
            if (headers.length > 0) {
                request.headers(headers);
            }
            return http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** Loads the sign-in form and returns its CSRF token (its cookie is now in this browser). */
        String signInToken() throws Exception {
            return Jsoup.parse(get(report).body()).select("form#sign-in input[name=csrf]").attr("value");
        }

        HttpResponse<String> signIn(String key) throws Exception {
            String token = signInToken();
            return post(report + "sign-in", Map.of("api_key", key, "csrf", token), "Sec-Fetch-Site", "same-origin");
        }
    }
}
