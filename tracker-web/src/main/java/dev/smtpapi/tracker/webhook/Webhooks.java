package dev.smtpapi.tracker.webhook;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpapi.tracker.api.ApiResponses;
import dev.smtpapi.tracker.event.EventFeed;
import dev.smtpapi.tracker.event.EventJson;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * The tracker's webhook side, put together: the stored definitions, this node's view of them, its waiting
 * batches, the HTTP client and the dispatcher reading the event log. Started with the tracker, closed with
 * it; {@link #servlet} is the API that manages the webhooks.
 */
public final class Webhooks implements AutoCloseable {
    /** Where the API is mapped. */
    public static final String[] MAPPING = {"/api/v1/webhooks", "/api/v1/webhooks/*"};

    private final WebhookStore store;
    private final WebhookRegistry registry;
    private final WebhookJson json;
    private final WebhookClient client;
    private final ObjectMapper mapper;
    private final WebhookDispatcher dispatcher;

    private Webhooks(WebhookStore store, WebhookRegistry registry, WebhookJson json, WebhookClient client,
            ObjectMapper mapper, WebhookDispatcher dispatcher) {
        this.store = store;
        this.registry = registry;
        this.json = json;
        this.client = client;
        this.mapper = mapper;
        this.dispatcher = dispatcher;
    }

    /**
     * Opens this node's batch directory (failing when another tracker holds it) and starts consuming
     * {@code feed}, the local event log as the consumer {@value WebhookDispatcher#CONSUMER}.
     */
    public static Webhooks start(WebhookSettings settings, CqlSession session, String keyspace,
            ConsistencyLevel consistency, ObjectMapper mapper, EventJson events, EventFeed feed, MeterRegistry meters,
            Clock clock) {
        WebhookJson json = new WebhookJson(mapper);
        WebhookStore store = new WebhookStore(session, keyspace, consistency, json);
        WebhookRegistry registry = new WebhookRegistry(store, settings.refresh(), clock);
        WebhookClient client = new WebhookClient(WebhookClient.defaultHttpClient(settings.timeout()),
                settings.timeout(), mapper, clock, "smtpapi-tracker-webhooks/1");
        PendingBatches pending = PendingBatches.open(settings.directory(), mapper);
        WebhookDispatcher dispatcher = WebhookDispatcher.start(feed, registry, pending, client, store,
                new BatchPayload(mapper, events), settings, clock, meters);
        return new Webhooks(store, registry, json, client, mapper, dispatcher);
    }

    /** The webhooks API, to be mapped at {@link #MAPPING} (behind the API key filter). */
    public WebhooksServlet servlet(ApiResponses api, int retryAfterSeconds) {
        return new WebhooksServlet(store, registry, json, client, api, retryAfterSeconds);
    }

    /** Stops delivering; waiting batches stay on disk for the next start. */
    @Override
    public void close() {
        dispatcher.close();
    }
}
