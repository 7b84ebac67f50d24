package dev.smtpapi.tracker;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpapi.store.CampaignCounters;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.CassandraTagStore;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.tracker.config.TrackerSettings;
import dev.smtpapi.tracker.event.CassandraEventWriter;
import dev.smtpapi.tracker.event.EventJson;
import dev.smtpapi.tracker.event.EventLog;
import dev.smtpapi.tracker.event.EventStore;
import dev.smtpapi.tracker.event.LegacySpoolImport;
import dev.smtpapi.tracker.machine.MachineDetector;
import dev.smtpapi.tracker.webhook.WebhookDispatcher;
import dev.smtpapi.tracker.webhook.Webhooks;
import dev.smtpapi.tracker.web.TokenLookup;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running tracker web application's parts, built once from {@link TrackerSettings}: the token codec, tag
 * storage, the event store and pipeline, the machine detector, the metrics and the one JSON mapper. It only
 * owns them (starts and closes them); each servlet is handed the parts it uses by
 * {@link dev.smtpapi.tracker.web.TrackerEndpoints}. Created by {@link dev.smtpapi.tracker.web.TrackerListener}
 * when the web application starts (or by the stand-alone server), closed when it stops.
 */
public final class TrackerRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrackerRuntime.class);

    private final TrackerSettings settings;
    private final CqlSession session;
    private final TokenCodec codec;
    private final TokenLookup lookup;
    private final EventStore events;
    private final CampaignCounters counters;
    private final EventLog log;
    private final CassandraEventWriter writer;
    private final Webhooks webhooks;
    private final ObjectMapper mapper;
    private final EventJson json;
    private final MachineDetector detector;
    private final PrometheusMeterRegistry registry;
    private final Clock clock;

    private TrackerRuntime(TrackerSettings settings, CqlSession session, TokenCodec codec, Clock clock) {
        this.settings = settings;
        this.session = session;
        this.codec = codec;
        this.clock = clock;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.mapper = new ObjectMapper();
        this.lookup = new TokenLookup(CassandraTagStore.create(session, settings.store(), clock), registry);
        this.json = new EventJson(mapper);
        this.events = EventStore.create(session, settings.store().keyspace(), settings.store().consistency(),
                settings.eventRetention(), json);
        this.counters = CampaignCounters.create(session, settings.store());
        this.log = EventLog.open(settings.eventLog(), json, clock, registry);
        try {
            this.writer = CassandraEventWriter.start(log, events, settings.eventBatchSize(), settings.eventRetry(),
                    clock, registry);
            // After the writer registered as a consumer, so that it reads what the import appends.
            LegacySpoolImport.importInto(log, settings.eventLog().directory());
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        this.detector = MachineDetector.withClickWindow(settings.machineClickWindow());
        try {
            this.webhooks = Webhooks.start(settings.webhooks(), session, settings.store().keyspace(),
                    settings.store().consistency(), mapper, json, log.consumer(WebhookDispatcher.CONSUMER), registry,
                    clock);
        } catch (RuntimeException e) {
            writer.close();
            log.close();
            throw e;
        }
    }

    /** Loads the signing keys, connects to Cassandra (creating the schema if asked) and starts the writer. */
    public static TrackerRuntime start(TrackerSettings settings) {
        Objects.requireNonNull(settings, "settings");
        SigningKeys keys;
        try {
            keys = SigningKeys.load(settings.signingKeysFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CqlSession session = CassandraConnector.connect(settings.store());
        try {
            TrackerRuntime runtime = new TrackerRuntime(settings, session, TokenCodec.of(keys), Clock.systemUTC());
            LOG.info("tracker ready: {}, event log {}", settings.store(), settings.eventLog().directory());
            return runtime;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    public TrackerSettings settings() {
        return settings;
    }

    public TokenCodec codec() {
        return codec;
    }

    /** Tag storage, as the click and open servlets read it (every lookup counted). */
    public TokenLookup lookup() {
        return lookup;
    }

    /** The Cassandra session, for parts that keep tables of their own in the tracker's keyspace. */
    public CqlSession session() {
        return session;
    }

    public EventStore events() {
        return events;
    }

    /** Copies sent per campaign (written by the mailet), for the report page. */
    public CampaignCounters counters() {
        return counters;
    }

    /** The local event log every event is recorded in before its request is answered. */
    public EventLog log() {
        return log;
    }

    /** The consumer of the log that stores events in Cassandra. */
    public CassandraEventWriter writer() {
        return writer;
    }

    /** The one Jackson mapper of the application (thread-safe once configured). */
    public ObjectMapper mapper() {
        return mapper;
    }

    public EventJson json() {
        return json;
    }

    public MachineDetector detector() {
        return detector;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public Clock clock() {
        return clock;
    }

    /** The webhooks: their API, the dispatcher (the log's consumer {@code webhooks}) and this node's batches. */
    public Webhooks webhooks() {
        return webhooks;
    }

    /**
     * Stops the webhooks and the Cassandra writer, then the log (what is not in Cassandra or in a webhook batch
     * stays in the log), then the session.
     */
    @Override
    public void close() {
        try {
            webhooks.close();
            writer.close();
            log.close();
        } finally {
            session.close();
            registry.close();
        }
    }
}
