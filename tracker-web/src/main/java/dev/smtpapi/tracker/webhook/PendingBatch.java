package dev.smtpapi.tracker.webhook;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A batch made for a webhook and kept on disk until it is delivered or given up: its id (the
 * {@code X-MessageSystems-Batch-ID} of every attempt), its place in the webhook's order, when it was made,
 * the time of its oldest event (for the lag), the last event-log position it covers and its file.
 */
public record PendingBatch(UUID webhookId, long sequence, UUID batchId, Instant madeAt, Instant oldestEventAt,
        long lastPosition, int events, Path file) {

    public PendingBatch {
        Objects.requireNonNull(webhookId, "webhookId");
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(madeAt, "madeAt");
        Objects.requireNonNull(oldestEventAt, "oldestEventAt");
        Objects.requireNonNull(file, "file");
    }
}
