package dev.smtpapi.tracker;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.smtpapi.config.Options;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.CassandraTagStore;
import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.store.MessageRecord;
import dev.smtpapi.store.RecipientRecord;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.testsupport.LocalCassandra;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TrackingToken;
import dev.smtpapi.tracker.config.TrackerSettings;
import dev.smtpapi.tracker.event.TrackingEvent;
import dev.smtpapi.tracker.web.TrackerServer;
import java.io.IOException;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A stand-alone tracker on a free port against the real Cassandra ({@link LocalCassandra}), in a keyspace of
 * its own, with what a test needs around it: a signing key shared with the "mailet" side, tag-storage writes, an
 * HTTP client that does not follow redirects, and a look at the events table.
 */
public final class TrackerFixture implements AutoCloseable {
    public static final String API_KEY = "test-api-key-0123456789abcdef";
    private static final String SECRET = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

    public final String keyspace;
    public final Path directory;
    public final TokenCodec codec;
    public final TrackerServer server;
    public final CqlSession session;
    public final CassandraTagStore mailetSide;
    public final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TrackerFixture(String keyspace, Path directory, Map<String, String> extra) throws Exception {
        this.keyspace = keyspace;
        this.directory = directory;
        Path keys = writeSigningKeys(directory);
        this.codec = TokenCodec.of(SigningKeys.load(keys));
        Map<String, String> options = new HashMap<>(baseOptions(keyspace, keys, directory));
        options.putAll(extra);
        TrackerSettings settings = TrackerSettings.from(Options.from(options));
        this.server = TrackerServer.start(settings);
        this.session = CassandraConnector.connect(settings.store());
        this.mailetSide = CassandraTagStore.create(session, settings.store());
    }

    public static Map<String, String> baseOptions(String keyspace, Path keys, Path directory) {
        Map<String, String> options = new HashMap<>();
        options.put("signing_keys_file", keys.toString());
        options.put("api_key", API_KEY);
        options.put("listen_port", "0");
        options.put("cassandra_contact_points", LocalCassandra.contactPoint());
        options.put("cassandra_keyspace", keyspace);
        options.put("cassandra_consistency", "ONE");
        options.put("event_log_dir", directory.resolve("events").toString());
        options.put("event_retry_seconds", "1");
        options.put("machine_click_seconds", "0");
        return options;
    }

    /** The signing-key file {@code directory/keys} that the tracker and the "mailet" side share. */
    public static Path writeSigningKeys(Path directory) throws IOException {
        Path keys = directory.resolve("keys");
        Files.writeString(keys, "# test key\n7 " + SECRET + "\n");
        return keys;
    }

    /** {@code options} written to {@code file} as a tracker's configuration file, for a tracker a test runs apart. */
    public static Path writeConfig(Path file, Map<String, String> options, String comment) throws IOException {
        Properties properties = new Properties();
        properties.putAll(options);
        try (var out = Files.newBufferedWriter(file)) {
            properties.store(out, comment);
        }
        return file;
    }

    /** A tracker in keyspace {@code tracker_<test>} (dropped first, so each run starts empty). */
    public static TrackerFixture start(Class<?> test, Map<String, String> extra) throws Exception {
        return start(test, LocalCassandra.host(), LocalCassandra.port(), extra);
    }

    /** The same against the Cassandra at {@code host:port}. */
    public static TrackerFixture start(Class<?> test, String host, int port, Map<String, String> extra)
            throws Exception {
        String keyspace = "tracker_" + test.getSimpleName().toLowerCase(Locale.ROOT);
        dropKeyspace(keyspace, host, port);
        Map<String, String> options = new HashMap<>(extra);
        options.putIfAbsent("cassandra_contact_points", host + ":" + port);
        return new TrackerFixture(keyspace, Files.createTempDirectory("tracker-" + keyspace), options);
    }

    public static TrackerFixture start(Class<?> test) throws Exception {
        return start(test, Map.of());
    }

    static void dropKeyspace(String keyspace, String host, int port) {
        StoreSettings settings = StoreSettings.builder().contactPoint(host, port).keyspace(keyspace)
                .createSchema(false).build();
        try (CqlSession admin = CassandraConnector.connect(settings)) {
            LocalCassandra.dropKeyspace(admin, keyspace);
        }
    }

    /** What the mailet writes for one message, sent now, with these recipients and links. */
    public SentMessage send(String campaign, String metadataJson, List<String> tags, List<String> recipients,
            List<LinkRecord> links) {
        return send(campaign, metadataJson, tags, recipients, links, Instant.now(), true);
    }

    public SentMessage send(String campaign, String metadataJson, List<String> tags, List<String> recipients,
            List<LinkRecord> links, Instant sentAt, boolean clickMetadata) {
        UUID key = UUID.randomUUID();
        MessageRecord message = MessageRecord.builder()
                .messageKey(key)
                .messageId(key.toString().substring(0, 18).replace("-", ""))
                .campaignId(Optional.ofNullable(campaign))
                .metadataJson(Optional.ofNullable(metadataJson))
                .tags(tags)
                .clickEventsCarryMetadata(clickMetadata)
                .sentAt(sentAt)
                .expiry(sentAt.plus(365, ChronoUnit.DAYS))
                .links(links)
                .build();
        List<RecipientRecord> rows = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            rows.add(RecipientRecord.of(key, i, recipients.get(i)));
        }
        mailetSide.writeAll(message, rows);
        return new SentMessage(message);
    }

    public final class SentMessage {
        public final MessageRecord record;

        SentMessage(MessageRecord record) {
            this.record = record;
        }

        public String clickUrl(int recipient, int link) {
            return clickUrl(recipient, link, record.expiry());
        }

        public String clickUrl(int recipient, int link, Instant expiry) {
            return server.uri() + "/f/a/" + codec.encode(TrackingToken.click(record.messageKey(), recipient, link,
                    expiry));
        }

        public String openUrl(int recipient) {
            return server.uri() + "/q/" + codec.encode(TrackingToken.open(record.messageKey(), recipient,
                    record.expiry()));
        }

        public String initialOpenUrl(int recipient) {
            return server.uri() + "/q/" + codec.encode(TrackingToken.initialOpen(record.messageKey(), recipient,
                    record.expiry()));
        }

        /** The events stored for this message (after the pipeline has written everything). */
        public List<TrackingEvent> events() {
            return storedEvents().stream().filter(e -> e.messageId().equals(record.messageId()))
                    .collect(Collectors.toList());
        }
    }

    public HttpResponse<byte[]> get(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<byte[]> head(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method("HEAD", HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Waits until every event recorded in the event log is in Cassandra. */
    public void awaitEventsStored() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!server.tracker().writer().isIdle()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("events not stored within 60 s: " + server.tracker().writer().lagEvents()
                        + " still only in the event log");
            }
            Thread.sleep(20);
        }
    }

    /** Every event of the last two hours, straight from the events table. */
    public List<TrackingEvent> storedEvents() {
        Instant now = Instant.now();
        return server.tracker().events().list(now.minus(2, ChronoUnit.HOURS), now.plus(1, ChronoUnit.MINUTES));
    }

    /** The value of a counter on /metrics (summing its series), as Prometheus exposes it. */
    public double metric(String name, String labelFilter) throws IOException, InterruptedException {
        String text = new String(get(server.uri() + "/metrics").body(), java.nio.charset.StandardCharsets.UTF_8);
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name) && (line.charAt(name.length()) == ' ' || line.charAt(name.length()) == '{')
                    && line.contains(labelFilter)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            session.close();
        }
    }
}
