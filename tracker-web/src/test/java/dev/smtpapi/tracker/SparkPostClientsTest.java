package dev.smtpapi.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sparkpost.Client;
import com.sparkpost.model.MessageEventsQueryBuilder;
import com.sparkpost.model.responses.MessageEventsResponse;
import com.sparkpost.resources.ResourceMessageEvents;
import com.sparkpost.transport.RestConnection;
import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.tracker.TrackerFixture.SentMessage;
import dev.smtpapi.tracker.event.CassandraEventWriter;
import dev.smtpapi.tracker.event.EventType;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: SparkPost's own clients (npm {@code sparkpost} 2.1.4 and {@code com.sparkpost:sparkpost-lib} 0.27),
 * pointed at the tracker, page through more than 10,000 events of a campaign while clicks on it keep arriving,
 * and see every event of the window exactly once.
 */
class SparkPostClientsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 10_500;
    private static TrackerFixture tracker;
    private static SentMessage message;

    @BeforeAll
    static void tenThousandEvents() throws Exception {
        tracker = TrackerFixture.start(SparkPostClientsTest.class, Map.of("max_events_per_token_per_minute",
                "1000000"));
        message = tracker.send("paging", null, List.of(), List.of("reader@example.com"),
                List.of(LinkRecord.of("https://example.com/paging")));
        List<TrackingEvent> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(TrackingEvent.builder().eventId(TrackingEvent.newEventId()).type(EventType.CLICK)
                    .messageId(message.record.messageId()).campaignId(Optional.of("paging"))
                    .rcptTo("reader" + (i % 100) + "@example.com").rawRcptTo("reader" + (i % 100) + "@example.com")
                    .targetLinkUrl(Optional.of("https://example.com/paging")).build());
        }
        tracker.server.tracker().events().writeAll(events);
        // While clicks are being appended, the events API's default window ends up to SETTLE_BUSY_MILLIS before
        // now (an event's id is made just before it reaches the log): wait past that, so the first page's window
        // holds every seeded event whichever test runs first.
        Thread.sleep(CassandraEventWriter.SETTLE_BUSY_MILLIS + 100);
    }

    @AfterAll
    static void stop() {
        tracker.close();
    }

    @Test
    void the_node_client_pages_through_every_event_once_while_clicks_arrive() throws Exception {
        Path work = Path.of("target", "sparkpost-node").toAbsolutePath();
        installNodeClient(work);
        Files.copy(SparkPostClientsTest.class.getResourceAsStream("/sparkpost-node/page-events.js"),
                work.resolve("page-events.js"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        JsonNode result;
        try (Clicker clicker = Clicker.start()) {
            Process node = new ProcessBuilder("node", work.resolve("page-events.js").toString(),
                    tracker.server.uri().toString(), TrackerFixture.API_KEY, "paging", "1000")
                    .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("node.log").toFile())).start();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(node.exitValue()).as("node (see %s): %s", work.resolve("node.log"), out).isZero();
            result = JSON.readTree(out);
            assertThat(clicker.clicked()).as("clicks while paging").isPositive();
        }
        List<String> ids = new ArrayList<>();
        result.get("ids").forEach(id -> ids.add(id.asText()));
        Set<String> expected = storedInWindow(result.get("firstNext").asText());
        assertThat(expected.size()).isGreaterThanOrEqualTo(EVENTS);
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
        result.get("totals").forEach(total -> assertThat(total.asInt()).isEqualTo(expected.size()));
        assertThat(result.get("unknown").get("status").asInt()).isEqualTo(400);
        assertThat(result.get("unknown").get("errors").get(0).get("param").asText()).isEqualTo("campaign_id");
    }

    @Test
    void the_java_client_pages_with_the_legacy_names_through_every_event_once_while_clicks_arrive()
            throws Exception {
        RestConnection connection = new RestConnection(new Client(TrackerFixture.API_KEY),
                tracker.server.uri() + "/api/v1");
        MessageEventsQueryBuilder query = new MessageEventsQueryBuilder();
        query.addCampaignId("paging"); // sent as campaign_ids, the Message Events API's name
        List<String> ids = new ArrayList<>();
        List<Integer> totals = new ArrayList<>();
        String firstNext;
        try (Clicker clicker = Clicker.start()) {
            MessageEventsResponse page = ResourceMessageEvents.searchMessageEvents(connection, 1000, query);
            firstNext = page.nextPageUrl();
            while (true) {
                page.getResults().forEach(event -> ids.add((String) event.get("event_id")));
                totals.add(page.getTotalCount());
                if (!page.hasNext()) {
                    break;
                }
                page = ResourceMessageEvents.nextMessageEvents(connection, page);
            }
            assertThat(clicker.clicked()).as("clicks while paging").isPositive();
        }
        Set<String> expected = storedInWindow(firstNext);
        assertThat(expected.size()).isGreaterThanOrEqualTo(EVENTS);
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
        assertThat(totals).allMatch(total -> total == expected.size());
    }

    /** The ids of the campaign's events stored in the window that {@code links.next} pins. */
    private static Set<String> storedInWindow(String next) {
        Map<String, String> parameters = new java.util.HashMap<>();
        for (String pair : URI.create("http://x" + next).getRawQuery().split("&")) {
            String[] nameValue = pair.split("=", 2);
            parameters.put(nameValue[0], java.net.URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
        }
        Instant from = Instant.parse(parameters.get("from"));
        Instant to = Instant.parse(parameters.get("to"));
        return tracker.server.tracker().events().list(from, to).stream()
                .filter(event -> event.campaignId().equals(Optional.of("paging")))
                .map(event -> event.eventId().toString()).collect(Collectors.toSet());
    }

    private static void installNodeClient(Path work) throws Exception {
        if (Files.isDirectory(work.resolve("node_modules").resolve("sparkpost"))) {
            return;
        }
        Files.createDirectories(work);
        File log = work.resolve("npm-install.log").toFile();
        Process npm = new ProcessBuilder("npm", "install", "--prefix", work.toString(), "--no-audit", "--no-fund",
                "--no-save", "sparkpost@2.1.4").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        assertThat(npm.waitFor(300, TimeUnit.SECONDS)).as("npm install (see %s)", log).isTrue();
        assertThat(npm.exitValue()).as("npm install sparkpost@2.1.4 (see %s)", log).isZero();
    }

    /** Clicks the campaign's link through the tracker, one after the other, until closed. */
    private static final class Clicker implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger clicked = new AtomicInteger();
        private final Thread thread;

        private Clicker() {
            this.thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        if (tracker.get(message.clickUrl(0, 0)).statusCode() == 302) {
                            clicked.incrementAndGet();
                        }
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "clicker");
        }

        static Clicker start() {
            Clicker clicker = new Clicker();
            clicker.thread.start();
            return clicker;
        }

        int clicked() {
            return clicked.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
