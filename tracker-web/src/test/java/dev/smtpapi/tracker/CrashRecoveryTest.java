package dev.smtpapi.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpapi.config.Options;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.store.MessageRecord;
import dev.smtpapi.store.RecipientRecord;
import dev.smtpapi.store.TrackingStore;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TrackingToken;
import dev.smtpapi.tracker.config.TrackerSettings;
import dev.smtpapi.tracker.event.EventJson;
import dev.smtpapi.tracker.event.EventStore;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.io.File;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: an answered click is a stored event. The stand-alone tracker runs as a process of its own against a
 * Cassandra of the test's own (both on free ports); clicks arrive from several clients without pause while the
 * tracker is killed with SIGKILL three times and Cassandra once. In the end the events in Cassandra are exactly
 * the clicks that were answered with their redirect: none lost, none twice. The Cassandra's CQL port is
 * {@code smtpapi.tracker.crash.port} when set (its other ports follow it), else three free ports.
 */
class CrashRecoveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    private static final int CLIENTS = 6;
    private static OwnCassandra cassandra;

    @BeforeAll
    static void startOwnCassandra() throws Exception {
        Integer port = Integer.getInteger("smtpapi.tracker.crash.port");
        cassandra = port == null ? OwnCassandra.onFreePorts("crash-cassandra") : OwnCassandra.at("crash-cassandra", port);
        cassandra.start();
    }

    @AfterAll
    static void stopOwnCassandra() throws Exception {
        cassandra.stop();
    }

    @Test
    void every_click_answered_through_three_tracker_kills_and_a_cassandra_kill_is_stored_exactly_once()
            throws Exception {
        Path directory = Files.createTempDirectory("crash-recovery");
        Path keys = directory.resolve("keys");
        Files.writeString(keys, "# test key\n7 " + SECRET + "\n");
        TokenCodec codec = TokenCodec.of(SigningKeys.load(keys));
        String keyspace = "tracker_crash_" + Long.toHexString(System.nanoTime());
        Map<String, String> options = new HashMap<>(TrackerFixture.baseOptions(keyspace, keys, directory));
        options.put("cassandra_contact_points", "127.0.0.1:" + cassandra.port());
        options.put("listen_port", Integer.toString(OwnCassandra.freePort()));
        options.put("max_events_per_token_per_minute", "1000000");
        TrackerSettings settings = TrackerSettings.from(Options.from(options));
        Path config = directory.resolve("tracker.properties");
        Properties properties = new Properties();
        properties.putAll(options);
        try (var out = Files.newBufferedWriter(config)) {
            properties.store(out, "tracker of CrashRecoveryTest");
        }
        String base = "http://127.0.0.1:" + options.get("listen_port");

        TrackerProcess tracker = TrackerProcess.start(config, base, directory.resolve("tracker.log"));
        try (CqlSession session = CassandraConnector.connect(settings.store())) {
            List<String> urls = new ArrayList<>();
            Set<String> messageIds = sendMessages(TrackingStore.create(session, settings.store()), codec, base, urls);

            AtomicInteger answered = new AtomicInteger();
            AtomicInteger wrong = new AtomicInteger();
            AtomicBoolean clicking = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int first = c;
                Thread client = new Thread(() -> click(urls, first, clicking, answered, wrong), "client-" + c);
                client.start();
                clients.add(client);
            }

            for (int kill = 1; kill <= 2; kill++) {
                Thread.sleep(2500);
                tracker.kill();
                tracker = TrackerProcess.start(config, base, directory.resolve("tracker.log"));
            }
            Thread.sleep(2500);
            cassandra.kill();
            Thread.sleep(3000);
            cassandra.start();
            Thread.sleep(1500);
            tracker.kill();
            tracker = TrackerProcess.start(config, base, directory.resolve("tracker.log"));
            Thread.sleep(2500);
            clicking.set(false);
            for (Thread client : clients) {
                client.join();
            }

            assertThat(wrong.get()).as("clicks redirected somewhere else").isZero();
            assertThat(answered.get()).as("clicks answered").isGreaterThan(200);
            tracker.awaitWriterIdle(Duration.ofSeconds(120));
            EventStore events = EventStore.create(session, keyspace, settings.store().consistency(),
                    Duration.ofDays(1), new EventJson(JSON));
            List<TrackingEvent> stored = events.list(Instant.now().minus(1, ChronoUnit.HOURS),
                    Instant.now().plus(1, ChronoUnit.MINUTES)).stream()
                    .filter(e -> messageIds.contains(e.messageId())).collect(Collectors.toList());
            assertThat(stored.stream().map(TrackingEvent::eventId).distinct().count())
                    .as("distinct events stored").isEqualTo(stored.size());
            assertThat(stored).as("events stored, against %d clicks answered", answered.get())
                    .hasSize(answered.get());
        } finally {
            tracker.stop();
        }
    }

    /** 20 messages of 5 recipients and 3 links each; their 300 click URLs in {@code urls}. */
    private static Set<String> sendMessages(TrackingStore store, TokenCodec codec, String base, List<String> urls) {
        Set<String> ids = new java.util.HashSet<>();
        Instant now = Instant.now();
        for (int m = 0; m < 20; m++) {
            UUID key = UUID.randomUUID();
            MessageRecord message = MessageRecord.builder().messageKey(key).messageId("crash-" + key)
                    .sentAt(now.minus(1, ChronoUnit.HOURS)).expiry(now.plus(30, ChronoUnit.DAYS))
                    .links(List.of(LinkRecord.of("https://example.com/a"), LinkRecord.of("https://example.com/b"),
                            LinkRecord.of("https://example.com/c"))).build();
            List<RecipientRecord> recipients = new ArrayList<>();
            for (int r = 0; r < 5; r++) {
                recipients.add(RecipientRecord.of(key, r, "reader" + r + "@example.com"));
                for (int link = 0; link < 3; link++) {
                    urls.add(base + "/f/x/" + codec.encode(TrackingToken.click(key, r, link, message.expiry())));
                }
            }
            store.writeAll(message, recipients);
            ids.add(message.messageId());
        }
        return ids;
    }

    /** Clicks round the URLs until told to stop; counts each 302 to an expected target as answered. */
    private static void click(List<String> urls, int first, AtomicBoolean clicking, AtomicInteger answered,
            AtomicInteger wrong) {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(2)).build();
        int i = first * 37;
        while (clicking.get()) {
            String url = urls.get(i++ % urls.size());
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10)).header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) "
                                + "Firefox/133.0").build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 302) {
                    if (response.headers().firstValue("Location").orElse("").startsWith("https://example.com/")) {
                        answered.incrementAndGet();
                    } else {
                        wrong.incrementAndGet();
                    }
                } else {
                    Thread.sleep(20); // 503 while Cassandra is away and the link not cached: not answered
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                try {
                    Thread.sleep(20); // the tracker is down: nothing was answered
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** The stand-alone tracker ({@code TrackerServer}) in a JVM of its own, on the test's class path. */
    private static final class TrackerProcess {
        private final Process process;
        private final String base;

        private TrackerProcess(Process process, String base) {
            this.process = process;
            this.base = base;
        }

        static TrackerProcess start(Path config, String base, Path log) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", classPath,
                    "dev.smtpapi.tracker.web.TrackerServer")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("SMTPAPI_TRACKER_CONFIG", config.toString());
            TrackerProcess tracker = new TrackerProcess(builder.start(), base);
            tracker.awaitHealth(Duration.ofSeconds(90), log.toFile());
            return tracker;
        }

        /** SIGKILL: no shutdown hook runs, nothing is flushed. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }

        private JsonNode health() throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/healthz"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body());
        }

        private void awaitHealth(Duration timeout, File log) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("the tracker exited at start; see " + log);
                }
                try {
                    health();
                    return;
                } catch (java.io.IOException e) {
                    Thread.sleep(100);
                }
            }
            throw new AssertionError("the tracker did not answer /healthz within " + timeout + "; see " + log);
        }

        void awaitWriterIdle(Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            JsonNode health = health();
            while (health.path("writer").path("lag_events").asLong(-1) != 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("events still not in Cassandra after " + timeout + ": " + health);
                }
                Thread.sleep(200);
                health = health();
            }
        }
    }
}
