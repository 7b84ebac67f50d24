package dev.smtpapi.tracker.webhook;

import com.google.common.collect.ImmutableMap;
import java.util.Objects;
import java.util.Optional;

/**
 * What one post to a target came to: the HTTP status (0 when no answer came), the start of the answer's body
 * and its headers, or why nothing came back (timeout, refused connection, token request failed).
 */
public record DeliveryAttempt(int status, String bodyStart, ImmutableMap<String, String> headers,
        Optional<String> problem) {

    public DeliveryAttempt {
        Objects.requireNonNull(bodyStart, "bodyStart");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(problem, "problem");
    }

    static DeliveryAttempt answered(int status, String bodyStart, ImmutableMap<String, String> headers) {
        return new DeliveryAttempt(status, bodyStart, headers, Optional.empty());
    }

    static DeliveryAttempt noAnswer(String problem) {
        return new DeliveryAttempt(0, "", ImmutableMap.of(), Optional.of(problem));
    }

    /** Only a 2xx delivers a batch. */
    public boolean delivered() {
        return status >= 200 && status < 300;
    }

    /** The status as batch-status shows it. */
    public String responseCode() {
        return Integer.toString(status);
    }

    /** For logs: the status, or what went wrong. */
    public String describe() {
        return problem.orElse("HTTP " + status);
    }
}
