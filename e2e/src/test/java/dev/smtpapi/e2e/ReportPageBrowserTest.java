package dev.smtpapi.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The campaign report page in a real browser (headless Chromium) against the real stack: a campaign mail goes
 * through James and the mailet to alice, bob and carol, bob clicks and opens, carol opens; a second mail's
 * sender put markup into its campaign id and link name. The page must show the events API's numbers, draw its
 * chart with the scripts the Content-Security-Policy allows, and run nothing the senders wrote. Screenshots go
 * to {@code target/report-*.png} for people to look at.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportPageBrowserTest {
    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final List<String> RECIPIENTS = List.of("alice", "bob", "carol");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Stack stack;
    private String campaign;
    private String hostileCampaign;
    private ChromeDriver browser;

    @BeforeAll
    void sendTwoCampaignsEngageWithThemAndSignIn() throws Exception {
        stack = Stack.fromSystemProperty();
        Tracker tracker = new Tracker(stack);
        String run = UUID.randomUUID().toString().substring(0, 8);
        campaign = "report-" + run;
        hostileCampaign = "\"><img src=x onerror=xss=1><script>xss=2</script>-" + run;
        Outbox outbox = new Outbox(stack);
        List<String> addresses = RECIPIENTS.stream().map(stack::address).toList();
        String subject = "Autumn report " + run;
        outbox.send(outbox.message("autumn-newsletter.eml", Map.of("TO", String.join(", ", addresses),
                "SUBJECT", subject, "MESSAGE_ID", "report-" + run, "CAMPAIGN", campaign)),
                "news@" + stack.domain(), addresses);
        String hostileSubject = "Winter sale " + run;
        outbox.send(outbox.message("hostile-names.eml", Map.of("TO", stack.address("alice"),
                "SUBJECT", hostileSubject, "MESSAGE_ID", "hostile-" + run, "RUN", run)),
                "news@" + stack.domain(), List.of(stack.address("alice")));

        DeliveredCopy bobs = delivered("bob", subject);
        DeliveredCopy carols = delivered("carol", subject);
        delivered("alice", subject);
        DeliveredCopy hostile = delivered("alice", hostileSubject);
        assertThat(tracker.get(bobs.htmlLinks().get(0)).statusCode()).isEqualTo(302);
        assertThat(tracker.get(pixel(bobs)).statusCode()).isEqualTo(200);
        assertThat(tracker.get(pixel(carols)).statusCode()).isEqualTo(200);
        assertThat(tracker.get(hostile.htmlLinks().get(0)).statusCode()).isEqualTo(302);
        assertThat(tracker.get(pixel(hostile)).statusCode()).isEqualTo(200);
        tracker.awaitEvents(Map.of("campaigns", campaign), Duration.ofSeconds(60),
                event -> "click".equals(event.path("type").asText()),
                event -> "open".equals(event.path("type").asText()) && event.path("rcpt_to").asText().startsWith("bob@"),
                event -> "open".equals(event.path("type").asText()) && event.path("rcpt_to").asText().startsWith("carol@"));
        tracker.awaitEvents(Map.of("campaigns", hostileCampaign), Duration.ofSeconds(60),
                event -> "click".equals(event.path("type").asText()),
                event -> "open".equals(event.path("type").asText()));

        browser = ReportBrowser.start();
        browser.get(stack.trackerUrl() + "/report/");
        browser.findElement(By.name("api_key")).sendKeys(stack.apiKey());
        browser.findElement(By.cssSelector("form#sign-in button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(page -> !page.findElements(By.id("campaigns")).isEmpty());
    }

    @AfterAll
    void closeTheBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theCampaignsPageShowsTheEventsApisNumbersAndTheCopiesSent() throws Exception {
        browser.get(stack.trackerUrl() + "/report/");
        WebElement table = browser.findElement(By.id("campaigns"));
        WebElement row = campaignRow(campaign);
        JsonNode api = metrics(table.getAttribute("data-from"), table.getAttribute("data-to"), campaign);
        for (String metric : List.of("opens", "unique_opens", "clicks", "unique_clicks")) {
            WebElement cell = row.findElement(By.cssSelector("td[data-metric=" + metric + "]"));
            assertThat(List.of(cell.getAttribute("data-human"), cell.getAttribute("data-machine"),
                    cell.getAttribute("data-total"))).as(metric).containsExactly(api.path(metric).path("human").asText(),
                    api.path(metric).path("machine").asText(), api.path(metric).path("total").asText());
        }
        assertThat(row.findElement(By.cssSelector("td[data-metric=unique_opens]")).getAttribute("data-total"))
                .isEqualTo("2");
        assertThat(row.findElement(By.cssSelector("td[data-metric=copies_sent]")).getText())
                .as("one copy per recipient, counted by the mailet").isEqualTo("3");
        assertThat(row.findElement(By.cssSelector("td[data-metric=open_rate]")).getText()).startsWith("66.7 %");
        screenshot("report-campaigns.png");
    }

    @Test
    void theCampaignsPageDrawsItsChartWithTheLibraryAndListsItsLinksAndEvents() throws Exception {
        browser.get(stack.trackerUrl() + "/report/");
        campaignRow(campaign).findElement(By.cssSelector("th a")).click();
        WebElement chart = new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(page -> page.findElement(By.cssSelector("canvas#activity-chart[data-drawn]")));
        assertThat(browser.findElement(By.id("campaign-id")).getText()).isEqualTo(campaign);
        Object painted = js().executeScript("const c = arguments[0]; const d = c.getContext('2d')"
                + ".getImageData(0, 0, c.width, c.height).data; let n = 0;"
                + " for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) n++; } return n;", chart);
        assertThat(((Number) painted).longValue()).as("painted pixels of the chart").isGreaterThan(1000);
        assertThat(js().executeScript("return Chart.getChart(arguments[0]).data.datasets"
                + ".map(s => s.data.reduce((a, b) => a + b, 0))", chart))
                .as("opens and clicks the chart shows").isEqualTo(List.of(2L, 1L));
        assertThat(browser.findElements(By.cssSelector("#links tr[data-link]")).get(0).getAttribute("data-link"))
                .isEqualTo("hero-boots");
        assertThat(browser.findElements(By.cssSelector("#events tr[data-event-id]"))).hasSize(3);
        JsonNode api = metrics(browser.findElement(By.id("summary")).getAttribute("data-from"),
                browser.findElement(By.id("summary")).getAttribute("data-to"), campaign);
        assertThat(browser.findElement(By.cssSelector("#summary [data-metric=clicks]")).getAttribute("data-total"))
                .isEqualTo(api.path("clicks").path("total").asText());
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll()).as("browser console")
                .noneMatch(entry -> entry.getMessage().contains("Content Security Policy"));
        screenshot("report-campaign.png");
    }

    @Test
    void markupInACampaignIdAndALinkNameIsShownAsTextAndNeverRuns() throws Exception {
        browser.get(stack.trackerUrl() + "/report/");
        WebElement row = campaignRow(hostileCampaign);
        assertThat(row.findElement(By.cssSelector("th a")).getText()).isEqualTo(hostileCampaign);
        assertInert();
        row.findElement(By.cssSelector("th a")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(page -> page.findElement(By.cssSelector("canvas#activity-chart[data-drawn]")));
        assertThat(browser.findElement(By.id("campaign-id")).getText()).isEqualTo(hostileCampaign);
        assertThat(browser.findElement(By.cssSelector("#links tr[data-link] .link-label")).getText())
                .isEqualTo("\"><img src=y onerror=alert(3)><script>xss=4</script>");
        assertInert();
        screenshot("report-hostile-campaign.png");
    }

    @Test
    void signingOutEndsTheSession() throws Exception {
        try (var second = new SignedInBrowser()) {
            second.driver.findElement(By.cssSelector("form#sign-out button")).click();
            new WebDriverWait(second.driver, Duration.ofSeconds(20))
                    .until(page -> !page.findElements(By.id("sign-in")).isEmpty());
            second.driver.get(stack.trackerUrl() + "/report/");
            assertThat(second.driver.findElements(By.id("campaigns"))).isEmpty();
            assertThat(second.driver.manage().getCookieNamed("smtpapi_report_session")).isNull();
        }
    }

    /**
     * No alert is open, no element carries the payloads' markup, no flag they would set is set, and the
     * Content-Security-Policy had nothing to refuse (the page's own scripts and styles all passed it).
     */
    private void assertInert() {
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(js().executeScript("return typeof window.xss")).isEqualTo("undefined");
        assertThat(browser.findElements(By.cssSelector("img, [onerror], main script"))).isEmpty();
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll()).as("browser console")
                .noneMatch(entry -> entry.getMessage().contains("Content Security Policy"));
    }

    private WebElement campaignRow(String id) {
        return browser.findElements(By.cssSelector("#campaigns tr[data-campaign]")).stream()
                .filter(row -> id.equals(row.getAttribute("data-campaign"))).findFirst()
                .orElseThrow(() -> new AssertionError("campaign " + id + " is not on the report page"));
    }

    private JavascriptExecutor js() {
        return browser;
    }

    private void screenshot(String name) throws Exception {
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.write(target.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    }

    private DeliveredCopy delivered(String user, String subject) throws Exception {
        List<MimeMessage> copies = new Mailbox(stack, user).await(subject, 1, DELIVERY);
        assertThat(copies).as("copies in %s's INBOX", user).hasSize(1);
        return DeliveredCopy.of(copies.get(0));
    }

    private String pixel(DeliveredCopy copy) {
        return copy.images().stream().filter(src -> src.startsWith(stack.openPrefix())).findFirst().orElseThrow();
    }

    /** {@code GET /api/v1/metrics/campaigns} for one campaign over a window. */
    private JsonNode metrics(String from, String to, String id) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                stack.trackerUrl() + "/api/v1/metrics/campaigns?from=" + from + "&to=" + to + "&campaigns="
                        + URLEncoder.encode(id, StandardCharsets.UTF_8)))
                .header("Authorization", stack.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode results = JSON.readTree(response.body()).path("results");
        assertThat(results).as("metrics of %s", id).hasSize(1);
        return results.get(0);
    }

    /** A second browser, signed in, for the sign-out test (so the others keep their session). */
    private final class SignedInBrowser implements AutoCloseable {
        final ChromeDriver driver;

        SignedInBrowser() throws Exception {
            driver = ReportBrowser.start();
            driver.get(stack.trackerUrl() + "/report/");
            driver.findElement(By.name("api_key")).sendKeys(stack.apiKey());
            driver.findElement(By.cssSelector("form#sign-in button[type=submit]")).click();
            new WebDriverWait(driver, Duration.ofSeconds(20)).until(page -> !page.findElements(By.id("campaigns")).isEmpty());
        }

        @Override
        public void close() {
            driver.quit();
        }
    }
}
