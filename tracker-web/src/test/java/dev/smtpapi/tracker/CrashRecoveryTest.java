package dev.smtpapi.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpapi.config.Options;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.CassandraTagStore;
import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.store.MessageRecord;
import dev.smtpapi.store.RecipientRecord;
import dev.smtpapi.testsupport.FreePort;
import dev.smtpapi.testsupport.ThrowAwayCassandra;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TrackingToken;
import dev.smtpapi.tracker.config.TrackerSettings;
import dev.smtpapi.tracker.event.EventJson;
import dev.smtpapi.tracker.event.EventStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9: an answered click is a stored event. The stand-alone tracker runs as a process of its own against a
 * Cassandra of the test's own (both on free ports); clicks arrive from several clients without pause while the
 * tracker is killed with SIGKILL three times and Cassandra once. Every click is on a link of its own (one
 * recipient's link, clicked once), so each stored event names the click it records. In the end every click
 * answered with its redirect has exactly one event in Cassandra, no click has two, and the only events
 * without an answer are of requests cut off by a kill after the tracker had recorded them (the event is on
 * disk before the answer goes out, so a kill between the two leaves an event whose answer never arrived). The Cassandra's CQL port is
 * {@code smtpapi.tracker.crash.port} when set (its other ports follow it), else three free ports.
 */
class CrashRecoveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 8;
    @RegisterExtension
    static final ThrowAwayCassandra CASSANDRA = ThrowAwayCassandra.onPortOf("smtpapi.tracker.crash.port",
            "crash-cassandra");

    @Test
    void every_click_answered_through_three_tracker_kills_and_a_cassandra_kill_is_stored_exactly_once()
            throws Exception {
        Path directory = Files.createTempDirectory("crash-recovery");
        Path keys = TrackerFixture.writeSigningKeys(directory);
        TokenCodec codec = TokenCodec.of(SigningKeys.load(keys));
        String keyspace = "tracker_crash_" + Long.toHexString(System.nanoTime());
        Map<String, String> options = new HashMap<>(TrackerFixture.baseOptions(keyspace, keys, directory));
        options.put("cassandra_contact_points", "127.0.0.1:" + CASSANDRA.port());
        options.put("listen_port", Integer.toString(FreePort.pick()));
        options.put("max_events_per_token_per_minute", "1000000");
        TrackerSettings settings = TrackerSettings.from(Options.from(options));
        Path config = TrackerFixture.writeConfig(directory.resolve("tracker.properties"), options,
                "tracker of CrashRecoveryTest");
        String base = "http://127.0.0.1:" + options.get("listen_port");

        ForkedTracker tracker = ForkedTracker.start(config, URI.create(base), directory.resolve("tracker.log"));
        try (CqlSession session = CassandraConnector.connect(settings.store())) {
            List<Click> clicks = sendMessages(CassandraTagStore.create(session, settings.store()), codec, base);
            Outcomes outcomes = new Outcomes();
            AtomicBoolean clicking = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Thread thread = new Thread(() -> click(clicks, client, clicking, outcomes), "client-" + c);
                thread.start();
                clients.add(thread);
            }

            for (int kill = 1; kill <= 2; kill++) {
                Thread.sleep(2500);
                outcomes.phase("tracker killed");
                tracker.kill();
                tracker = ForkedTracker.start(config, URI.create(base), directory.resolve("tracker.log"));
                outcomes.phase("tracker started");
            }
            Thread.sleep(2500);
            outcomes.phase("cassandra killed");
            CASSANDRA.kill();
            Thread.sleep(3000);
            CASSANDRA.start();
            outcomes.phase("cassandra started");
            Thread.sleep(1500);
            outcomes.phase("tracker killed");
            tracker.kill();
            tracker = ForkedTracker.start(config, URI.create(base), directory.resolve("tracker.log"));
            outcomes.phase("tracker started");
            Thread.sleep(2500);
            clicking.set(false);
            for (Thread client : clients) {
                client.join();
            }

            assertThat(outcomes.wrong).as("clicks redirected somewhere else").isEmpty();
            assertThat(outcomes.answered).as("clicks answered").hasSizeGreaterThan(50);
            tracker.awaitWriterIdle(Duration.ofSeconds(120));
            EventStore events = EventStore.create(session, keyspace, settings.store().consistency(),
                    Duration.ofDays(1), new EventJson(JSON));
            Map<String, Long> eventsPerClick = events.list(Instant.now().minus(1, ChronoUnit.HOURS),
                    Instant.now().plus(1, ChronoUnit.MINUTES)).stream()
                    .filter(e -> e.messageId().startsWith("crash-"))
                    .collect(Collectors.groupingBy(e -> e.messageId() + " " + e.rcptTo() + " "
                            + e.targetLinkUrl().orElse(""), Collectors.counting()));
            assertThat(eventsPerClick.values()).as("events per click").allMatch(count -> count == 1);
            Set<String> answered = outcomes.answered.stream().map(Click::key).collect(Collectors.toSet());
            Set<String> inDoubt = outcomes.cutOff.stream().map(Click::key).collect(Collectors.toSet());
            Set<String> lost = new java.util.TreeSet<>(answered);
            lost.removeAll(eventsPerClick.keySet());
            assertThat(lost).as("answered clicks without a stored event (%d of %d answered; %d events stored; "
                    + "dead letters: %s; first of the tracker's errors: %s; first lost: %s)", lost.size(), answered.size(),
                    eventsPerClick.size(), deadLetters(directory), errors(directory.resolve("tracker.log")),
                    lost.stream().limit(5).map(outcomes::history).toList()).isEmpty();
            Set<String> unanswered = new java.util.HashSet<>(eventsPerClick.keySet());
            unanswered.removeAll(answered);
            assertThat(inDoubt).as("events without an answer are of requests a kill cut off").containsAll(unanswered);
            assertThat(eventsPerClick).as("events stored: %d answered + %d of %d cut off requests", answered.size(),
                    unanswered.size(), inDoubt.size()).hasSize(answered.size() + unanswered.size());
        } finally {
            tracker.stop();
        }
    }

    /** The first lines of the tracker's log that report an error, for a failure's message. */
    private static List<String> errors(Path log) throws java.io.IOException {
        try (var lines = Files.lines(log, java.nio.charset.StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains("ERROR") || line.contains("dead-letter")).limit(12).toList();
        }
    }

    /** The files the tracker set aside in its dead-letter directory, with their sizes. */
    private static String deadLetters(Path directory) throws java.io.IOException {
        Path dead = directory.resolve("events").resolve("dead-letter");
        if (!Files.isDirectory(dead)) {
            return "none";
        }
        try (var files = Files.list(dead)) {
            return files.map(f -> f.getFileName() + " (" + f.toFile().length() + " bytes)").toList().toString();
        }
    }

    /** One recipient's click on one link: its URL, and what its event must name. */
    private record Click(String url, String messageId, String recipient, String target) {
        String key() {
            return messageId + " " + recipient + " " + target;
        }
    }

    /** What became of the clicks, by the clients' account, and when. */
    private static final class Outcomes {
        final long start = System.nanoTime();
        final List<String> phases = java.util.Collections.synchronizedList(new ArrayList<>());
        final Map<String, String> answeredAt = new java.util.concurrent.ConcurrentHashMap<>();
        final Set<Click> answered = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final Set<Click> cutOff = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final Set<Click> wrong = java.util.concurrent.ConcurrentHashMap.newKeySet();

        String now() {
            return String.format("%.3fs", (System.nanoTime() - start) / 1e9);
        }

        void phase(String what) {
            phases.add(what + " at " + now());
        }

        void answered(Click click, String when) {
            answered.add(click);
            answeredAt.put(click.key(), when);
        }

        /** A click and when it was sent and answered, among the kills and restarts. */
        String history(String key) {
            return key + " (" + answeredAt.get(key) + "; " + phases + ")";
        }
    }

    /** 40 messages of 100 recipients and 3 links each: 12,000 clicks of their own. */
    private static List<Click> sendMessages(CassandraTagStore store, TokenCodec codec, String base) {
        List<Click> clicks = new ArrayList<>();
        Instant now = Instant.now();
        List<String> targets = List.of("https://example.com/a", "https://example.com/b", "https://example.com/c");
        for (int m = 0; m < 40; m++) {
            UUID key = UUID.randomUUID();
            MessageRecord message = MessageRecord.builder().messageKey(key).messageId("crash-" + key)
                    .sentAt(now.minus(1, ChronoUnit.HOURS)).expiry(now.plus(30, ChronoUnit.DAYS))
                    .links(targets.stream().map(LinkRecord::of).toList()).build();
            List<RecipientRecord> recipients = new ArrayList<>();
            for (int r = 0; r < 100; r++) {
                String address = "reader" + r + "@example.com";
                recipients.add(RecipientRecord.of(key, r, address));
                for (int link = 0; link < targets.size(); link++) {
                    clicks.add(new Click(base + "/f/x/" + codec.encode(TrackingToken.click(key, r, link,
                            message.expiry())), message.messageId(), address, targets.get(link)));
                }
            }
            store.writeAll(message, recipients);
        }
        java.util.Collections.shuffle(clicks, new java.util.Random(9));
        return clicks;
    }

    /**
     * Client {@code client} of {@value #CLIENTS} takes every {@value #CLIENTS}th click, each once: a 302 is an
     * answered click; a refused connection (the tracker is down) or a 503 (Cassandra is, and the link is not
     * cached) is tried again, since nothing was recorded; any other failure (the connection cut off by a kill)
     * leaves the click in doubt and moves on. One request per connection, written by hand: HTTP client
     * libraries resend a GET whose connection broke, which would hide a cut-off request behind an answer.
     */
    private static void click(List<Click> clicks, int client, AtomicBoolean clicking, Outcomes outcomes) {
        for (int i = client; i < clicks.size() && clicking.get(); ) {
            Click click = clicks.get(i);
            URI uri = URI.create(click.url());
            String sent = outcomes.now();
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":"
                        + uri.getPort() + "\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0\r\n"
                        + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                List<String> head = responseHead(socket.getInputStream());
                if (head.isEmpty()) {
                    outcomes.cutOff.add(click);
                    i += CLIENTS;
                } else if (head.get(0).startsWith("HTTP/1.1 302 ")) {
                    boolean right = head.stream().anyMatch(line -> line.equalsIgnoreCase("Location: " + click.target()));
                    if (right) {
                        outcomes.answered(click, "sent at " + sent + ", answered at " + outcomes.now());
                    } else {
                        outcomes.wrong.add(click);
                    }
                    i += CLIENTS;
                } else {
                    pause(); // 503: nothing recorded
                }
            } catch (java.net.ConnectException e) {
                pause();
            } catch (java.io.IOException e) {
                outcomes.cutOff.add(click);
                i += CLIENTS;
                pause();
            }
        }
    }

    /** The status line and header lines of a response; empty when the connection ended before them. */
    private static List<String> responseHead(java.io.InputStream in) throws java.io.IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String text = line.toString().strip();
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
        return List.of(); // cut off before the end of the head
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
