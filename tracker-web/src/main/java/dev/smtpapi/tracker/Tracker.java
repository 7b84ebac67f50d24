package dev.smtpapi.tracker;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.Resolution;
import dev.smtpapi.store.TrackingStore;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TrackingToken;
import dev.smtpapi.tracker.config.TrackerSettings;
import dev.smtpapi.tracker.event.EventJson;
import dev.smtpapi.tracker.event.EventPipeline;
import dev.smtpapi.tracker.event.EventSpool;
import dev.smtpapi.tracker.event.EventStore;
import dev.smtpapi.tracker.machine.MachineDetector;
import dev.smtpapi.suppression.CassandraSuppressionList;
import dev.smtpapi.suppression.SenderUnsubscribeUrls;
import dev.smtpapi.suppression.SuppressionList;
import dev.smtpapi.tracker.unsubscribe.SenderForwarder;
import dev.smtpapi.tracker.unsubscribe.Unsubscriber;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running tracker: the token codec, tag storage, the event pipeline and the metrics, built from
 * {@link TrackerSettings} and shared by every servlet of the application. Created by
 * {@link dev.smtpapi.tracker.web.TrackerListener} when the web application starts, closed when it stops.
 */
public final class Tracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Tracker.class);

    private final TrackerSettings settings;
    private final CqlSession session;
    private final TokenCodec codec;
    private final TrackingStore store;
    private final EventStore events;
    private final EventPipeline pipeline;
    private final EventJson json;
    private final MachineDetector detector;
    private final PrometheusMeterRegistry registry;
    private final Counter storeLookups;
    private final Clock clock;
    private final SuppressionList suppressionList;
    private final SenderForwarder senderForwarder;
    private final Unsubscriber unsubscriber;

    private Tracker(TrackerSettings settings, CqlSession session, TokenCodec codec, Clock clock) {
        this.settings = settings;
        this.session = session;
        this.codec = codec;
        this.clock = clock;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.store = TrackingStore.create(session, settings.store(), clock);
        this.events = EventStore.create(session, settings.store().keyspace(), settings.store().consistency(),
                settings.eventRetention());
        this.json = new EventJson(new ObjectMapper());
        this.pipeline = EventPipeline.start(events, EventSpool.open(settings.spoolDir(), json),
                settings.eventQueueCapacity(), settings.eventBatchSize(), settings.eventRetry(), registry);
        this.detector = MachineDetector.withClickWindow(settings.machineClickWindow());
        this.storeLookups = Counter.builder("smtpapi.tracker.store.lookups")
                .description("Verified tokens looked up in tag storage (cache or Cassandra)").register(registry);
        this.suppressionList = CassandraSuppressionList.create(session, settings.store());
        this.senderForwarder = new SenderForwarder(settings.unsubscribeForwarding());
        this.unsubscriber = new Unsubscriber(suppressionList, SenderUnsubscribeUrls.create(session, settings.store()),
                senderForwarder, pipeline, clock);
    }

    /** Loads the signing keys, connects to Cassandra (creating the schema if asked) and starts the writer. */
    public static Tracker start(TrackerSettings settings) {
        Objects.requireNonNull(settings, "settings");
        SigningKeys keys;
        try {
            keys = SigningKeys.load(settings.signingKeysFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CqlSession session = CassandraConnector.connect(settings.store());
        try {
            Tracker tracker = new Tracker(settings, session, TokenCodec.of(keys), Clock.systemUTC());
            LOG.info("tracker ready: {}, spool {}", settings.store(), settings.spoolDir());
            return tracker;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Looks a verified token up in tag storage; counted, so tests and operators can see every lookup. */
    public Optional<Resolution> resolve(TrackingToken token) {
        storeLookups.increment();
        return store.resolve(token);
    }

    public TrackerSettings settings() {
        return settings;
    }

    public TokenCodec codec() {
        return codec;
    }

    public EventStore events() {
        return events;
    }

    public EventPipeline pipeline() {
        return pipeline;
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

    /** The suppression list (issue 11). */
    public SuppressionList suppressionList() {
        return suppressionList;
    }

    /** What a one-click unsubscribe or an unsubscribe link does. */
    public Unsubscriber unsubscriber() {
        return unsubscriber;
    }

    /** Flushes the event queue to the spool, then closes the Cassandra session. */
    @Override
    public void close() {
        try {
            senderForwarder.close();
            pipeline.close();
        } finally {
            session.close();
            registry.close();
        }
    }
}
