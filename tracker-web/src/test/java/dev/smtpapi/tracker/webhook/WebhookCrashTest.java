package dev.smtpapi.tracker.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpapi.config.Options;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.CassandraTagStore;
import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.store.MessageRecord;
import dev.smtpapi.store.RecipientRecord;
import dev.smtpapi.testsupport.FreePort;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TrackingToken;
import dev.smtpapi.tracker.ForkedTracker;
import dev.smtpapi.tracker.TrackerFixture;
import dev.smtpapi.tracker.config.TrackerSettings;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Pending batches survive kill -9. The stand-alone tracker runs as a process of its own (the shared Cassandra,
 * a keyspace of the test's own) with a webhook to a target in this JVM; clicks arrive without pause while the
 * tracker is killed with SIGKILL twice: once while the target refuses everything (batches pile up on disk),
 * once while it takes them. In the end every answered click has reached the target, every batch id always
 * carried the same events, and nothing reached it that was not clicked.
 */
class WebhookCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 3;

    @Test
    void everyAnsweredClickReachesTheTargetThroughTwoTrackerKills() throws Exception {
        Path directory = Files.createTempDirectory("webhook-crash");
        Path keys = TrackerFixture.writeSigningKeys(directory);
        TokenCodec codec = TokenCodec.of(SigningKeys.load(keys));
        String keyspace = "webhook_crash_" + Long.toHexString(System.nanoTime());
        Map<String, String> options = new HashMap<>(TrackerFixture.baseOptions(keyspace, keys, directory));
        options.put("listen_port", Integer.toString(FreePort.pick()));
        options.put("max_events_per_token_per_minute", "1000000");
        options.put("webhook_retry_first_seconds", "1");
        options.put("webhook_retry_longest_seconds", "1");
        TrackerSettings settings = TrackerSettings.from(Options.from(options));
        Path config = TrackerFixture.writeConfig(directory.resolve("tracker.properties"), options,
                "tracker of WebhookCrashTest");
        URI base = URI.create("http://127.0.0.1:" + options.get("listen_port"));
        Path log = directory.resolve("tracker.log");

        try (RecordingTarget target = new RecordingTarget()) {
            target.answer(request -> 500);
            ForkedTracker tracker = ForkedTracker.start(config, base, log);
            try (CqlSession session = CassandraConnector.connect(settings.store())) {
                createWebhook(base, target.uri("/crm"));
                List<Click> clicks = sendMessages(CassandraTagStore.create(session, settings.store()), codec, base);
                Set<Click> answered = ConcurrentHashMap.newKeySet();
                Set<Click> cutOff = ConcurrentHashMap.newKeySet();
                AtomicBoolean clicking = new AtomicBoolean(true);
                List<Thread> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    Thread thread = new Thread(() -> click(clicks, client, clicking, answered, cutOff), "client-" + c);
                    thread.start();
                    clients.add(thread);
                }
                Thread.sleep(2500);
                tracker.kill();
                tracker = ForkedTracker.start(config, base, log);
                Thread.sleep(1500);
                target.answer(request -> 200);
                Thread.sleep(1500);
                tracker.kill();
                tracker = ForkedTracker.start(config, base, log);
                for (Thread client : clients) {
                    client.join();
                }
                clicking.set(false);
                assertThat(answered).as("clicks answered").hasSizeGreaterThan(50);

                Set<String> clicked = new HashSet<>();
                answered.forEach(click -> clicked.add(click.key()));
                Set<String> inDoubt = new HashSet<>();
                cutOff.forEach(click -> inDoubt.add(click.key()));
                Instant deadline = Instant.now().plusSeconds(180);
                Map<String, Integer> delivered = delivered(target);
                while (!delivered.keySet().containsAll(clicked) && Instant.now().isBefore(deadline)) {
                    Thread.sleep(250);
                    delivered = delivered(target);
                }
                assertThat(delivered.keySet()).as("every answered click reached the target").containsAll(clicked);
                Set<String> unexpected = new HashSet<>(delivered.keySet());
                unexpected.removeAll(clicked);
                unexpected.removeAll(inDoubt);
                assertThat(unexpected).as("events of clicks nobody made").isEmpty();
                assertOneBodyPerBatchId(target);
                long twice = delivered.values().stream().filter(count -> count > 1).count();
                System.out.printf("webhook crash test: %d clicks answered, %d cut off, %d events delivered, %d of "
                        + "them in more than one batch%n", answered.size(), cutOff.size(), delivered.size(), twice);
            } finally {
                tracker.stop();
            }
        }
    }

    private static void createWebhook(URI base, URI target) throws Exception {
        String body = "{\"name\":\"crash\",\"target\":\"" + target + "\",\"events\":[\"click\"]}";
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        base.resolve("/api/v1/webhooks")).header("Authorization", TrackerFixture.API_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    }

    /** Per clicked link, in how many distinct batches its event reached the target with a 2xx answer. */
    private static Map<String, Integer> delivered(RecordingTarget target) throws Exception {
        Map<String, Set<String>> batches = new HashMap<>();
        for (RecordingTarget.Received request : target.received("/crm")) {
            if (!target.answeredOk(request)) {
                continue;
            }
            for (JsonNode entry : JSON.readTree(request.body())) {
                JsonNode event = entry.path("msys").path("track_event");
                batches.computeIfAbsent(event.path("message_id").asText() + " " + event.path("rcpt_to").asText(),
                        key -> new HashSet<>()).add(request.header("X-MessageSystems-Batch-ID"));
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        batches.forEach((key, ids) -> counts.put(key, ids.size()));
        return counts;
    }

    private static void assertOneBodyPerBatchId(RecordingTarget target) {
        Map<String, Set<String>> bodies = new HashMap<>();
        for (RecordingTarget.Received request : target.received("/crm")) {
            bodies.computeIfAbsent(request.header("X-MessageSystems-Batch-ID"), id -> new HashSet<>())
                    .add(request.body());
        }
        assertThat(bodies.values()).as("every try of a batch carries the same events").allMatch(set -> set.size() == 1);
    }

    private record Click(String url, String messageId, String recipient) {
        String key() {
            return messageId + " " + recipient;
        }
    }

    /** 4 messages of 60 recipients, one link each: 240 clicks of their own. */
    private static List<Click> sendMessages(CassandraTagStore store, TokenCodec codec, URI base) {
        List<Click> clicks = new ArrayList<>();
        Instant now = Instant.now();
        for (int m = 0; m < 4; m++) {
            UUID key = UUID.randomUUID();
            MessageRecord message = MessageRecord.builder().messageKey(key).messageId("crash-" + key)
                    .sentAt(now.minus(1, ChronoUnit.HOURS)).expiry(now.plus(30, ChronoUnit.DAYS))
                    .links(List.of(LinkRecord.of("https://shop.example.com/sale"))).build();
            List<RecipientRecord> recipients = new ArrayList<>();
            for (int r = 0; r < 60; r++) {
                String address = "reader" + r + "@example.com";
                recipients.add(RecipientRecord.of(key, r, address));
                clicks.add(new Click(base + "/f/a/" + codec.encode(TrackingToken.click(key, r, 0, message.expiry())),
                        message.messageId(), address));
            }
            store.writeAll(message, recipients);
        }
        Collections.shuffle(clicks, new Random(10));
        return clicks;
    }

    /**
     * Client {@code client} takes every {@value #CLIENTS}th click, each once, about 20 a second: a 302 is an
     * answered click; a refused connection (the tracker is down) is tried again; a connection cut off by a kill
     * leaves the click in doubt.
     */
    private static void click(List<Click> clicks, int client, AtomicBoolean clicking, Set<Click> answered,
            Set<Click> cutOff) {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(2)).build();
        for (int i = client; i < clicks.size() && clicking.get(); ) {
            Click click = clicks.get(i);
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(click.url()))
                        .timeout(Duration.ofSeconds(10)).header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) "
                                + "Firefox/133.0").build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 302) {
                    answered.add(click);
                    i += CLIENTS;
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (ConnectException e) {
                pause();
            } catch (Exception e) {
                cutOff.add(click);
                i += CLIENTS;
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
