package dev.smtpapi.tracker.webhook;

import dev.smtpapi.store.StoreUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one webhook's batches from this node, oldest first, one at a time: a batch is retried (same batch id)
 * with a doubling wait up to {@link WebhookSettings#longestRetry()} until its target answers 2xx or
 * {@link WebhookSettings#giveUpAfter()} has passed since it was made, and only then does the next one go.
 * Runs on a thread of its own, so a slow or dead target holds up nothing but itself.
 */
final class DeliveryWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);

    private final UUID webhookId;
    private final WebhookRegistry registry;
    private final PendingBatches pending;
    private final WebhookClient client;
    private final WebhookStore store;
    private final WebhookSettings settings;
    private final Clock clock;
    private final WebhookMetrics metrics;
    private final BlockingQueue<Boolean> wake = new ArrayBlockingQueue<>(1);
    private final Thread thread;
    private volatile boolean running = true;
    /** The batch being tried and how often it failed so far. */
    private UUID currentBatch;
    private int failures;

    DeliveryWorker(UUID webhookId, WebhookRegistry registry, PendingBatches pending, WebhookClient client,
            WebhookStore store, WebhookSettings settings, Clock clock, MeterRegistry meters) {
        this.webhookId = webhookId;
        this.registry = registry;
        this.pending = pending;
        this.client = client;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.metrics = new WebhookMetrics(meters, webhookId, this::lagSeconds, () -> pending.count(webhookId));
        this.thread = new Thread(this, "smtpapi-webhook-" + webhookId);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** A new batch is waiting. */
    void wake() {
        wake.offer(Boolean.TRUE);
    }

    /** Stops after the attempt in progress (an attempt is never cut short: it ends within the timeout). */
    void stop() {
        running = false;
        wake();
    }

    void awaitStop(Duration wait) throws InterruptedException {
        thread.join(wait.toMillis());
        metrics.remove();
    }

    private long lagSeconds() {
        return pending.oldest(webhookId)
                .map(batch -> Math.max(0, Duration.between(batch.oldestEventAt(), clock.instant()).toSeconds()))
                .orElse(0L);
    }

    @Override
    public void run() {
        while (running) {
            try {
                Optional<Webhook> webhook = registry.find(webhookId);
                Optional<PendingBatch> next = pending.oldest(webhookId);
                if (webhook.isEmpty() || !webhook.get().active() || next.isEmpty()) {
                    sleep(IDLE_CHECK);
                    continue;
                }
                deliver(webhook.get(), next.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Never give up on the webhook: log, wait a little, go on with the same batch.
                LOG.error("webhook {}: delivery failed unexpectedly, trying again: {}", webhookId, e.toString(), e);
                try {
                    sleep(IDLE_CHECK);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void deliver(Webhook webhook, PendingBatch batch) throws InterruptedException {
        if (!batch.batchId().equals(currentBatch)) {
            currentBatch = batch.batchId();
            failures = 0;
        }
        byte[] body;
        try {
            body = pending.body(batch);
        } catch (UncheckedIOException e) {
            LOG.error("webhook {}: batch {} cannot be read and is dropped: {}", webhook.id(), batch.batchId(),
                    e.getMessage());
            finish(batch, BatchStatus.State.FAILED, "0");
            metrics.failed();
            return;
        }
        DeliveryAttempt attempt = client.post(webhook, batch.batchId(), body);
        Instant now = clock.instant();
        if (attempt.delivered()) {
            finish(batch, BatchStatus.State.DELIVERED, attempt.responseCode());
            metrics.sent(batch.events());
            LOG.debug("webhook {}: batch {} of {} events delivered", webhook.id(), batch.batchId(), batch.events());
            return;
        }
        failures++;
        if (!now.isBefore(batch.madeAt().plus(settings.giveUpAfter()))) {
            LOG.warn("webhook {} ({}): batch {} of {} events FAILED after {} attempts over {} s, last: {}",
                    webhook.id(), webhook.loggableTarget(), batch.batchId(), batch.events(), failures,
                    Duration.between(batch.madeAt(), now).toSeconds(), attempt.describe());
            finish(batch, BatchStatus.State.FAILED, attempt.responseCode());
            metrics.failed();
            return;
        }
        Duration wait = settings.retryDelay(failures);
        LOG.info("webhook {} ({}): batch {} attempt {} failed ({}); next in {} s", webhook.id(),
                webhook.loggableTarget(), batch.batchId(), failures, attempt.describe(), wait.toSeconds());
        record(batch, BatchStatus.State.PENDING, attempt.responseCode());
        metrics.retried();
        Instant due = now.plus(wait);
        while (running && clock.instant().isBefore(due)) {
            // Woken early only to stop; new batches wait behind this one.
            Thread.sleep(Math.max(1, Math.min(IDLE_CHECK.toMillis(),
                    Duration.between(clock.instant(), due).toMillis())));
        }
    }

    private void finish(PendingBatch batch, BatchStatus.State state, String responseCode) {
        record(batch, state, responseCode);
        pending.remove(batch);
        currentBatch = null;
        failures = 0;
    }

    private void record(PendingBatch batch, BatchStatus.State state, String responseCode) {
        int attempts = state == BatchStatus.State.DELIVERED ? failures + 1 : failures;
        try {
            store.recordBatch(new BatchStatus(webhookId, batch.batchId(), state, attempts, responseCode,
                    batch.events(), clock.instant()));
        } catch (StoreUnavailableException e) {
            // The status is for people; the delivery goes on without it.
            LOG.warn("webhook {}: cannot record the status of batch {}: {}", webhookId, batch.batchId(), e.getMessage());
        }
    }

    private void sleep(Duration wait) throws InterruptedException {
        wake.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }
}
