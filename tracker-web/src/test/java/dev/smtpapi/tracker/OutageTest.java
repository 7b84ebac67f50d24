package dev.smtpapi.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.testsupport.ThrowAwayCassandra;
import dev.smtpapi.tracker.TrackerFixture.SentMessage;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/behaviour.md §9 with a real Cassandra process of its own ({@link ThrowAwayCassandra} on free ports, or CQL port
 * {@code smtpapi.tracker.outage.port} when set; never the shared developer instance):
 * clicks keep coming while Cassandra stops and starts again; cached clicks keep redirecting, events wait in
 * the event log, and in the end every click of the run is in Cassandra exactly once.
 */
class OutageTest {
    @RegisterExtension
    static final ThrowAwayCassandra CASSANDRA = ThrowAwayCassandra.onPortOf("smtpapi.tracker.outage.port",
            "outage-cassandra");
    private static final List<String> TARGETS = List.of("https://shop.example.com/boots",
            "https://shop.example.com/coats?size=m", "https://shop.example.com/sale#top");

    @Test
    void cached_clicks_redirect_through_an_outage_and_every_event_is_stored_exactly_once() throws Exception {
        try (TrackerFixture tracker = TrackerFixture.start(OutageTest.class, "127.0.0.1", CASSANDRA.port(),
                Map.of("event_retry_seconds", "1", "max_events_per_token_per_minute", "1000000"))) {
            SentMessage message = tracker.send("outage", null, List.of(), List.of("ann@example.com",
                    "ben@example.com"), TARGETS.stream().map(LinkRecord::of).collect(Collectors.toList()));
            SentMessage neverClicked = tracker.send("outage", null, List.of(), List.of("cy@example.com"),
                    List.of(LinkRecord.of(TARGETS.get(0))));
            List<String> urls = new ArrayList<>();
            for (int recipient = 0; recipient < 2; recipient++) {
                for (int link = 0; link < TARGETS.size(); link++) {
                    urls.add(message.clickUrl(recipient, link));
                }
            }
            AtomicInteger redirected = new AtomicInteger();
            AtomicInteger wrong = new AtomicInteger();
            for (String url : urls) { // warms the cache
                count(tracker.get(url), url, redirected, wrong);
            }
            AtomicBoolean clicking = new AtomicBoolean(true);
            Thread clicker = new Thread(() -> {
                int i = 0;
                while (clicking.get()) {
                    String url = urls.get(i++ % urls.size());
                    try {
                        count(tracker.get(url, "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"),
                                url, redirected, wrong);
                        Thread.sleep(15);
                    } catch (Exception e) {
                        wrong.incrementAndGet();
                    }
                }
            }, "clicker");
            clicker.start();

            Thread.sleep(1000);
            CASSANDRA.stop();
            int redirectedWhileDown = redirected.get();
            Thread.sleep(2000);
            HttpResponse<byte[]> uncached = tracker.get(neverClicked.clickUrl(0, 0));
            HttpResponse<byte[]> health = tracker.get(tracker.server.uri() + "/healthz");
            long spooledWhileDown = tracker.server.tracker().writer().lagEvents();
            redirectedWhileDown = redirected.get() - redirectedWhileDown;
            CASSANDRA.start();
            Thread.sleep(1000);
            clicking.set(false);
            clicker.join();

            assertThat(uncached.statusCode()).isEqualTo(503);
            assertThat(uncached.headers().firstValue("Retry-After")).contains("30");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(redirectedWhileDown).as("cached clicks answered while Cassandra was down").isGreaterThan(20);
            assertThat(spooledWhileDown).as("events waiting in the log while Cassandra was down").isGreaterThan(0);
            assertThat(wrong.get()).as("clicks not redirected to their target").isZero();

            awaitStored(tracker, Duration.ofSeconds(120));
            List<TrackingEvent> events = message.events();
            assertThat(events).hasSize(redirected.get());
            assertThat(events.stream().map(TrackingEvent::eventId).distinct().count()).isEqualTo(redirected.get());
            assertThat(tracker.get(tracker.server.uri() + "/healthz").statusCode()).isEqualTo(200);
        }
    }

    private static void count(HttpResponse<byte[]> response, String url, AtomicInteger redirected,
            AtomicInteger wrong) {
        Optional<String> location = response.headers().firstValue("Location");
        if (response.statusCode() == 302 && location.isPresent() && TARGETS.contains(location.get())) {
            redirected.incrementAndGet();
        } else {
            wrong.incrementAndGet();
        }
    }

    private static void awaitStored(TrackerFixture tracker, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!tracker.server.tracker().writer().isIdle()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("logged events not stored within " + timeout + ": "
                        + tracker.server.tracker().writer().lagEvents() + " still only in the log");
            }
            Thread.sleep(200);
        }
    }
}
