package dev.smtpapi.tracker.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.testsupport.LocalCassandra;
import dev.smtpapi.tracker.event.EventJson;
import dev.smtpapi.tracker.event.EventType;
import dev.smtpapi.tracker.event.TrackingEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dispatcher against real HTTP targets (the JDK's server on loopback) and the real Cassandra, fed by an
 * event log in memory: retries keep their batch id, a dead target holds nothing else up, waiting batches
 * survive a restart, a batch is given up after its time, OAuth 2 tokens are fetched and fetched again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookDeliveryTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private CqlSession session;
    private WebhookStore store;
    private Path directory;
    private MemoryEventFeed feed;
    private SimpleMeterRegistry meters;
    private RecordingTarget target;
    private final List<WebhookDispatcher> dispatchers = new ArrayList<>();

    @BeforeAll
    void connect() {
        String keyspace = "webhook_delivery";
        StoreSettings settings = StoreSettings.builder()
                .contactPoint(LocalCassandra.host(), LocalCassandra.port())
                .keyspace(keyspace).build();
        session = CassandraConnector.connect(settings);
        store = new WebhookStore(session, keyspace, settings.consistency(), new WebhookJson(MAPPER));
    }

    @AfterAll
    void disconnect() {
        session.close();
    }

    @BeforeEach
    void freshRun() throws Exception {
        for (Webhook webhook : store.all()) {
            store.delete(webhook.id());
        }
        directory = Files.createTempDirectory("webhooks");
        feed = new MemoryEventFeed();
        meters = new SimpleMeterRegistry();
        target = new RecordingTarget();
    }

    @AfterEach
    void stop() {
        dispatchers.forEach(WebhookDispatcher::close);
        dispatchers.clear();
        target.close();
    }

    private static WebhookSettings settings(Path directory, Duration giveUpAfter) {
        return new WebhookSettings(100, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(1),
                giveUpAfter, directory, Duration.ofSeconds(1));
    }

    private WebhookDispatcher start(WebhookSettings settings) {
        WebhookRegistry registry = new WebhookRegistry(store, settings.refresh(), Clock.systemUTC());
        WebhookClient client = new WebhookClient(WebhookClient.defaultHttpClient(settings.timeout()), settings.timeout(),
                MAPPER, Clock.systemUTC(), "test");
        WebhookDispatcher dispatcher = WebhookDispatcher.start(feed, registry, PendingBatches.open(directory, MAPPER),
                client, store, new BatchPayload(MAPPER, new EventJson(MAPPER)), settings, Clock.systemUTC(), meters);
        dispatchers.add(dispatcher);
        return dispatcher;
    }

    private Webhook webhook(URI url, WebhookAuth auth, Set<String> events) {
        Webhook webhook = new Webhook(UUID.randomUUID(), "crm", url, ImmutableSet.copyOf(events), auth,
                ImmutableMap.of("X-Customer-Id", "42"), true);
        store.save(webhook);
        return webhook;
    }

    private static TrackingEvent click(String recipient) {
        return BatchPayloadTest.event(EventType.CLICK, UUID.randomUUID(), recipient);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + PATIENCE.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }

    private double counter(String name, UUID webhook, String outcome) {
        var search = meters.find(name).tag("webhook", webhook.toString());
        if (outcome != null) {
            search = search.tag("outcome", outcome);
        }
        return search.counter() == null ? 0 : search.counter().count();
    }

    private List<String> eventIds(RecordingTarget.Received request) {
        try {
            List<String> ids = new ArrayList<>();
            for (JsonNode entry : MAPPER.readTree(request.body())) {
                ids.add(entry.path("msys").elements().next().path("event_id").asText());
            }
            return ids;
        } catch (Exception e) {
            throw new AssertionError("not a SparkPost batch: " + request.body(), e);
        }
    }

    @Test
    void aBatchIsRetriedWithTheSameIdUntilTheTargetAnswers2xxAndThenNotAgain() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        target.answer(request -> tries.incrementAndGet() <= 2 ? 500 : 200);
        Webhook webhook = webhook(target.uri("/hook"), new WebhookAuth.Basic("mta", "pa55:word"), Set.of("click"));
        start(settings(directory, Duration.ofMinutes(10)));
        TrackingEvent event = click("Ann@Example.com");
        feed.append(event);

        await("the batch delivered", () -> store.batches(webhook.id(), 10).stream()
                .anyMatch(batch -> batch.state() == BatchStatus.State.DELIVERED));
        List<RecordingTarget.Received> attempts = target.received("/hook");
        assertThat(attempts).hasSize(3);
        assertThat(attempts.stream().map(request -> request.header("X-MessageSystems-Batch-ID")).distinct())
                .as("one batch id on every try").hasSize(1);
        RecordingTarget.Received delivered = attempts.get(2);
        assertThat(delivered.header("Content-Type")).isEqualTo("application/json");
        assertThat(delivered.header("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("mta:pa55:word".getBytes()));
        assertThat(delivered.header("X-Customer-Id")).isEqualTo("42");
        assertThat(eventIds(delivered)).containsExactly(event.eventId().toString());

        BatchStatus status = store.batches(webhook.id(), 10).get(0);
        assertThat(status.attempts()).isEqualTo(3);
        assertThat(status.responseCode()).isEqualTo("200");
        assertThat(status.batchId().toString()).isEqualTo(delivered.header("X-MessageSystems-Batch-ID"));
        assertThat(counter("smtpapi.tracker.webhook.batches", webhook.id(), "sent")).isEqualTo(1);
        assertThat(counter("smtpapi.tracker.webhook.batches", webhook.id(), "retried")).isEqualTo(2);
        assertThat(feed.committed()).isEqualTo(1);
    }

    @Test
    void aHangingTargetHoldsUpNeitherTheLogNorAnotherWebhook() throws Exception {
        try (RecordingTarget healthy = new RecordingTarget()) {
            target.hold();
            Webhook stuck = webhook(target.uri("/slow"), new WebhookAuth.None(), Set.of("click", "open"));
            Webhook fine = webhook(healthy.uri("/fast"), new WebhookAuth.None(), Set.of("click", "open"));
            start(settings(directory, Duration.ofMinutes(10)));
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                TrackingEvent event = click("reader" + i + "@example.com");
                sent.add(event.eventId().toString());
                feed.append(event);
                await("batch " + i + " at the healthy target", () -> healthy.received("/fast").stream()
                        .flatMap(request -> eventIds(request).stream()).collect(Collectors.toSet())
                        .contains(event.eventId().toString()));
            }
            assertThat(healthy.received("/fast").stream().flatMap(request -> eventIds(request).stream()))
                    .containsExactlyElementsOf(sent);
            assertThat(feed.committed()).isEqualTo(5);
            assertThat(target.received("/slow")).as("one batch in flight at the hanging target").hasSize(1);
            assertThat(counter("smtpapi.tracker.webhook.batches", stuck.id(), "sent")).isZero();
            await("five events counted as sent", () -> counter("smtpapi.tracker.webhook.events.sent", fine.id(),
                    null) == 5);
            target.release();
        }
    }

    @Test
    void waitingBatchesSurviveARestartAndGoOutInOrderWithTheirIds() throws Exception {
        target.answer(request -> 503);
        Webhook webhook = webhook(target.uri("/hook"), new WebhookAuth.None(), Set.of("click"));
        WebhookDispatcher first = start(settings(directory, Duration.ofMinutes(10)));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TrackingEvent event = click("reader" + i + "@example.com");
            sent.add(event.eventId().toString());
            feed.append(event);
            long expected = i + 1;
            await("event " + i + " taken from the log", () -> feed.committed() == expected);
        }
        await("a first attempt", () -> !target.received("/hook").isEmpty());
        String firstBatch = target.received("/hook").get(0).header("X-MessageSystems-Batch-ID");
        first.close();
        dispatchers.remove(first);
        int triedBefore = target.received("/hook").size();

        target.answer(request -> 200);
        start(settings(directory, Duration.ofMinutes(10)));
        await("every event delivered after the restart", () -> target.received("/hook").stream()
                .flatMap(request -> eventIds(request).stream()).collect(Collectors.toSet()).containsAll(sent));
        assertThat(target.received("/hook").get(triedBefore).header("X-MessageSystems-Batch-ID"))
                .as("the batch tried before the restart keeps its id").isEqualTo(firstBatch);
        await("all delivered", () -> counter("smtpapi.tracker.webhook.batches", webhook.id(), "sent") == 3);
        List<String> deliveredOrder = new ArrayList<>();
        for (RecordingTarget.Received request : target.received("/hook")) {
            for (String id : eventIds(request)) {
                if (!deliveredOrder.contains(id)) {
                    deliveredOrder.add(id);
                }
            }
        }
        assertThat(deliveredOrder).as("in the order they happened").containsExactlyElementsOf(sent);
    }

    @Test
    void aBatchTheTargetNeverTakesIsFailedAfterItsTimeAndTheNextOneGoes() throws Exception {
        target.answer(request -> eventIds(request).contains(doomed) ? 500 : 200);
        Webhook webhook = webhook(target.uri("/hook"), new WebhookAuth.None(), Set.of("click"));
        start(settings(directory, Duration.ofSeconds(3)));
        TrackingEvent first = click("doomed@example.com");
        doomed = first.eventId().toString();
        feed.append(first);
        await("first attempt", () -> !target.received("/hook").isEmpty());
        TrackingEvent second = click("lucky@example.com");
        feed.append(second);

        await("the first batch failed", () -> counter("smtpapi.tracker.webhook.batches", webhook.id(), "failed") == 1);
        await("the second delivered", () -> counter("smtpapi.tracker.webhook.batches", webhook.id(), "sent") == 1);
        List<BatchStatus> statuses = store.batches(webhook.id(), 10);
        assertThat(statuses).extracting(BatchStatus::state)
                .containsExactlyInAnyOrder(BatchStatus.State.FAILED, BatchStatus.State.DELIVERED);
        BatchStatus failed = statuses.stream().filter(batch -> batch.state() == BatchStatus.State.FAILED).findFirst()
                .orElseThrow();
        assertThat(failed.responseCode()).isEqualTo("500");
        assertThat(failed.attempts()).isGreaterThanOrEqualTo(2);
    }

    private volatile String doomed = "";

    @Test
    void anOAuth2TokenIsFetchedSentAsBearerAndFetchedAgainWhenTheTargetRefusesIt() throws Exception {
        AtomicInteger tokens = new AtomicInteger();
        target.answerBody(request -> request.path().equals("/token")
                ? "{\"access_token\":\"token-" + tokens.incrementAndGet() + "\",\"expires_in\":3600}" : "");
        target.answer(request -> request.path().equals("/token") ? 200
                : "Bearer token-1".equals(request.header("Authorization")) ? 401 : 200);
        Webhook webhook = webhook(target.uri("/hook"), WebhookAuth.OAuth2.of(target.uri("/token"),
                Map.of("client_id", "mta-client", "client_secret", "s3cret")), Set.of("click"));
        start(settings(directory, Duration.ofMinutes(10)));
        feed.append(click("ann@example.com"));

        await("delivered", () -> counter("smtpapi.tracker.webhook.batches", webhook.id(), "sent") == 1);
        List<RecordingTarget.Received> tokenRequests = target.received("/token");
        assertThat(tokenRequests).hasSize(2);
        assertThat(tokenRequests.get(0).header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(tokenRequests.get(0).body()).contains("grant_type=client_credentials")
                .contains("client_id=mta-client").contains("client_secret=s3cret");
        List<RecordingTarget.Received> posts = target.received("/hook");
        assertThat(posts).extracting(request -> request.header("Authorization"))
                .containsExactly("Bearer token-1", "Bearer token-2");
    }
}
