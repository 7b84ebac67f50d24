package dev.smtpapi.tracker.webhook;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Where one batch stands, as {@code GET /api/v1/webhooks/{id}/batch-status} shows it.
 *
 * @param responseCode the target's last HTTP status as text, {@code "0"} when no answer came (timeout,
 *     refused connection) or before the first attempt
 */
public record BatchStatus(UUID webhookId, UUID batchId, State state, int attempts, String responseCode, int events,
        Instant updatedAt) {

    public BatchStatus {
        Objects.requireNonNull(webhookId, "webhookId");
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(responseCode, "responseCode");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** Pending (not yet answered with a 2xx, still tried), delivered, or failed (given up). */
    public enum State {
        PENDING("pending"),
        DELIVERED("delivered"),
        FAILED("failed");

        private final String code;

        State(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        static State fromCode(String code) {
            for (State state : values()) {
                if (state.code.equals(code)) {
                    return state;
                }
            }
            return PENDING;
        }
    }
}
