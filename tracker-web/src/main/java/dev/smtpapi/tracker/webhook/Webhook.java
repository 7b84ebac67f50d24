package dev.smtpapi.tracker.webhook;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.net.URI;
import java.util.Objects;
import java.util.UUID;

/**
 * One webhook as the API defines it: where batches go ({@code target}), which event types they carry, how
 * to authenticate, extra headers, and whether it is active. Immutable; {@link #toString()} shows no secret.
 */
public record Webhook(UUID id, String name, URI target, ImmutableSet<String> events, WebhookAuth auth,
        ImmutableMap<String, String> customHeaders, boolean active) {

    public Webhook {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(customHeaders, "customHeaders");
    }

    /** Whether events of this type ({@code click}, {@code open}…) go to this webhook. */
    public boolean wants(String eventType) {
        return events.contains(eventType);
    }

    /** The target as logs may show it: scheme, host, port and path, no query (it may hold a token). */
    public String loggableTarget() {
        return target.getScheme() + "://" + target.getRawAuthority() + Objects.requireNonNullElse(target.getRawPath(), "");
    }

    @Override
    public String toString() {
        return "Webhook[" + id + " '" + name + "' -> " + loggableTarget() + ", " + auth.type() + "]";
    }
}
