package dev.smtpapi.tracker.webhook;

import dev.smtpapi.tracker.event.EventFeed;
import dev.smtpapi.tracker.event.EventFeed.LoggedEvent;
import dev.smtpapi.tracker.event.TrackingEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes this node's events to the webhooks. One thread reads the local event log as the consumer
 * {@value #CONSUMER}, makes batches of at most {@link WebhookSettings#batchSize()} events for each active
 * webhook that wants them, writes each batch durably to {@link PendingBatches}, and only then commits the log
 * position: an event is never lost between the log and a batch (at least once; a crash between the two makes
 * the same batch again only for events whose batch file was not written, and events already in a waiting
 * batch are skipped). A {@link DeliveryWorker} per webhook sends its batches, so delivery never holds up the
 * log, the clicks, or another webhook.
 */
public final class WebhookDispatcher implements AutoCloseable {
    public static final String CONSUMER = "webhooks";
    /** How long a read of the log short of a batch waits for more events before it is batched. */
    static final Duration LINGER = Duration.ofMillis(50);
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final Duration POLL_WAIT = Duration.ofMillis(500);
    private static final Duration RETRY_WAIT = Duration.ofSeconds(1);
    private static final Duration STOP_WAIT = Duration.ofSeconds(15);

    private final EventFeed feed;
    private final WebhookRegistry registry;
    private final PendingBatches pending;
    private final WebhookClient client;
    private final WebhookStore store;
    private final BatchPayload payload;
    private final WebhookSettings settings;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<UUID, DeliveryWorker> workers = new HashMap<>();
    private final Counter batchesMade;
    private final Thread reader;
    private volatile boolean running = true;

    private WebhookDispatcher(EventFeed feed, WebhookRegistry registry, PendingBatches pending, WebhookClient client,
            WebhookStore store, BatchPayload payload, WebhookSettings settings, Clock clock, MeterRegistry meters) {
        this.feed = Objects.requireNonNull(feed, "feed");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.pending = Objects.requireNonNull(pending, "pending");
        this.client = Objects.requireNonNull(client, "client");
        this.store = Objects.requireNonNull(store, "store");
        this.payload = Objects.requireNonNull(payload, "payload");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.batchesMade = Counter.builder("smtpapi.tracker.webhook.batches.made")
                .description("Webhook batches made from the event log, all webhooks").register(meters);
        this.reader = new Thread(this::run, "smtpapi-webhook-dispatcher");
        this.reader.setDaemon(true);
    }

    /** Starts reading the feed and delivering (batches left by an earlier run go out first). */
    public static WebhookDispatcher start(EventFeed feed, WebhookRegistry registry, PendingBatches pending,
            WebhookClient client, WebhookStore store, BatchPayload payload, WebhookSettings settings, Clock clock,
            MeterRegistry meters) {
        WebhookDispatcher dispatcher = new WebhookDispatcher(feed, registry, pending, client, store, payload,
                settings, clock, meters);
        dispatcher.reader.start();
        return dispatcher;
    }

    private void run() {
        while (running) {
            try {
                if (!registry.refreshIfDue()) {
                    Thread.sleep(RETRY_WAIT.toMillis()); // no webhook set yet: nothing may be committed
                    continue;
                }
                reconcileWorkers(registry.all());
                // A read of the log per group commit costs more than the batch is worth: gather a little.
                List<LoggedEvent> events = feed.poll(settings.batchSize(), POLL_WAIT, LINGER);
                if (!events.isEmpty()) {
                    // The set as it is now, after the wait: a webhook created while we waited gets these events.
                    Map<UUID, Webhook> webhooks = registry.all();
                    reconcileWorkers(webhooks);
                    batch(events, webhooks);
                    feed.commit(events.get(events.size() - 1));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("webhook dispatch failed, trying again: {}", e.toString(), e);
                pause();
            }
        }
    }

    /**
     * Writes the batches of these events for every active webhook that wants them; returns only once every
     * batch is on disk (retrying a failed write, never skipping it, so a later commit loses nothing).
     */
    private void batch(List<LoggedEvent> events, Map<UUID, Webhook> webhooks) throws InterruptedException {
        for (Webhook webhook : webhooks.values()) {
            if (!webhook.active()) {
                continue;
            }
            long alreadyQueued = pending.lastPosition(webhook.id());
            List<LoggedEvent> wanted = new ArrayList<>();
            for (LoggedEvent event : events) {
                if (event.position() > alreadyQueued && webhook.wants(event.type().code())) {
                    wanted.add(event);
                }
            }
            for (int start = 0; start < wanted.size(); start += settings.batchSize()) {
                List<LoggedEvent> chunk = wanted.subList(start, Math.min(wanted.size(), start + settings.batchSize()));
                write(webhook, chunk);
            }
        }
    }

    private void write(Webhook webhook, List<LoggedEvent> chunk) throws InterruptedException {
        List<TrackingEvent> events = new ArrayList<>(chunk.size());
        for (LoggedEvent event : chunk) {
            try {
                events.add(event.event());
            } catch (IllegalStateException e) {
                LOG.error("webhook {}: event {} at log position {} is not sent: {}", webhook.id(), event.eventId(),
                        event.position(), e.getMessage());
            }
        }
        if (events.isEmpty()) {
            return;
        }
        byte[] body = payload.render(events);
        Instant oldest = events.stream().map(TrackingEvent::timestamp).min(Instant::compareTo).orElseThrow();
        long lastPosition = chunk.get(chunk.size() - 1).position();
        while (running) {
            try {
                pending.add(webhook.id(), TrackingEvent.newEventId(), clock.instant(), oldest, lastPosition,
                        events.size(), body);
                batchesMade.increment();
                DeliveryWorker worker = workers.get(webhook.id());
                if (worker != null) {
                    worker.wake();
                }
                return;
            } catch (UncheckedIOException e) {
                LOG.error("webhook {}: cannot write a batch of {} events, trying again: {}", webhook.id(),
                        events.size(), e.getMessage());
                Thread.sleep(RETRY_WAIT.toMillis());
            }
        }
        throw new InterruptedException("stopped before the batch was written");
    }

    /** A worker for every known webhook; a deleted webhook's worker stops and its waiting batches go. */
    private void reconcileWorkers(Map<UUID, Webhook> webhooks) throws InterruptedException {
        for (UUID id : webhooks.keySet()) {
            workers.computeIfAbsent(id, key -> {
                DeliveryWorker worker = new DeliveryWorker(key, registry, pending, client, store, settings, clock,
                        meters);
                worker.start();
                return worker;
            });
        }
        Set<UUID> gone = new HashSet<>(workers.keySet());
        gone.addAll(pending.webhooks());
        gone.removeAll(webhooks.keySet());
        for (UUID id : gone) {
            DeliveryWorker worker = workers.remove(id);
            if (worker != null) {
                worker.stop();
                worker.awaitStop(STOP_WAIT);
            }
            int dropped = pending.count(id);
            pending.removeAll(id);
            client.forget(id);
            if (dropped > 0) {
                LOG.info("webhook {} was deleted: {} waiting batches dropped", id, dropped);
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops reading and delivering; waiting batches stay on disk for the next start. */
    @Override
    public void close() {
        running = false;
        reader.interrupt();
        try {
            reader.join(STOP_WAIT.toMillis());
            for (DeliveryWorker worker : workers.values()) {
                worker.stop();
            }
            for (DeliveryWorker worker : workers.values()) {
                worker.awaitStop(STOP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pending.close();
    }
}
