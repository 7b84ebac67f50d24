package dev.smtpapi.tracker.webhook;

import dev.smtpapi.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's view of the webhooks, which live in Cassandra so that every node sees the same set: read again
 * every {@code refresh}, and changed at once by this node's own API calls. While Cassandra cannot be read the
 * last view stands. Thread-safe.
 */
public final class WebhookRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookRegistry.class);

    private final WebhookStore store;
    private final Duration refresh;
    private final Clock clock;
    private final Map<UUID, Webhook> webhooks = new ConcurrentHashMap<>();
    private volatile Instant nextRefresh = Instant.MIN;
    private volatile boolean loaded;

    public WebhookRegistry(WebhookStore store, Duration refresh, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.refresh = Objects.requireNonNull(refresh, "refresh");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Reads the set again when the refresh interval has passed; returns whether the view is loaded at all
     * (false until the first read succeeded).
     */
    public boolean refreshIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextRefresh)) {
            return loaded;
        }
        nextRefresh = now.plus(refresh);
        try {
            Map<UUID, Webhook> read = new ConcurrentHashMap<>();
            store.all().forEach(webhook -> read.put(webhook.id(), webhook));
            webhooks.keySet().retainAll(read.keySet());
            webhooks.putAll(read);
            loaded = true;
        } catch (StoreUnavailableException | IllegalStateException e) {
            LOG.warn("cannot read the webhooks, keeping the last known {}: {}", webhooks.size(), e.getMessage());
        }
        return loaded;
    }

    /** Whether the set has been read once; before that, nothing can be dispatched. */
    public boolean loaded() {
        return loaded;
    }

    public Optional<Webhook> find(UUID id) {
        return Optional.ofNullable(webhooks.get(id));
    }

    public Map<UUID, Webhook> all() {
        return Map.copyOf(webhooks);
    }

    /** This node created or changed a webhook. */
    public void put(Webhook webhook) {
        webhooks.put(webhook.id(), webhook);
    }

    /** This node deleted a webhook. */
    public void remove(UUID id) {
        webhooks.remove(id);
    }
}
