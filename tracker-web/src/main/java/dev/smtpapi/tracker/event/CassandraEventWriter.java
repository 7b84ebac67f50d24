package dev.smtpapi.tracker.event;

import com.datastax.oss.driver.api.core.uuid.Uuids;
import dev.smtpapi.store.StoreUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer {@value #CONSUMER} of the event log: one thread that takes the recorded events in order, in
 * batches, writes them to Cassandra and commits its position once they are stored. It never stops while the
 * tracker runs: every failure is logged, counted and retried after {@code retry}. A batch that Cassandra keeps
 * rejecting ({@value #ATTEMPTS_BEFORE_SPLIT} attempts while Cassandra answers queries) is written event by event,
 * and an event that is still rejected goes to the dead-letter file, so the events after it go on. Writing an event
 * twice stores it once (its id fixes its row), so a crash between a write and its commit costs nothing.
 */
public final class CassandraEventWriter implements AutoCloseable {
    public static final String CONSUMER = "cassandra";
    static final int ATTEMPTS_BEFORE_SPLIT = 5;
    static final long SETTLE_MARGIN_MILLIS = 5;
    public static final long SETTLE_BUSY_MILLIS = 1000;
    /**
     * How long a batch short of the batch size waits for more events before it is written. Long enough that
     * Cassandra gets a few large writes a second: with a write every 20 ms its request threads woke and parked
     * around every write and cost twice the CPU per event; one write a second with larger chunk rows cut
     * Cassandra's CPU by another third against five (BENCHMARKS.md, sessions 5 and 9). The events API ends its
     * default window where the oldest event not yet in Cassandra is ({@link #settledUntil}), so it never skips
     * one that is on its way.
     */
    static final Duration LINGER = Duration.ofMillis(1000);
    private static final Logger LOG = LoggerFactory.getLogger(CassandraEventWriter.class);

    /** What the writer is doing, as {@code /healthz} reports it. */
    public enum State {
        /** Writing events as they come (or waiting for some). */
        RUNNING,
        /** The last write failed; trying again. */
        RETRYING,
        STOPPED;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final EventLog log;
    private final EventFeed feed;
    private final EventStore store;
    private final int batchSize;
    private final Duration retry;
    private final Clock clock;
    private final Thread thread;
    private final Counter written;
    private final Counter failures;
    private final Counter deadLettered;
    private volatile State state = State.RUNNING;
    private volatile boolean running = true;
    /** The time of the oldest event read and not yet committed; null when there is none. */
    private volatile Instant oldestUncommitted;
    private volatile String lastError = "";

    private CassandraEventWriter(EventLog log, EventStore store, int batchSize, Duration retry, Clock clock,
            MeterRegistry registry) {
        this.log = log;
        this.feed = log.consumer(CONSUMER);
        this.store = store;
        this.batchSize = batchSize;
        this.retry = retry;
        this.clock = clock;
        this.written = Counter.builder("smtpapi.tracker.events.written")
                .description("Events stored in Cassandra from the event log").register(registry);
        this.failures = Counter.builder("smtpapi.tracker.events.write.failures")
                .description("Writes of events Cassandra did not take (retried)").register(registry);
        this.deadLettered = Counter.builder("smtpapi.tracker.events.dead_lettered")
                .description("Events Cassandra kept rejecting, set aside in the dead-letter file").register(registry);
        Gauge.builder("smtpapi.tracker.events.lag", this, CassandraEventWriter::lagEvents)
                .description("Events recorded in the log and not yet in Cassandra").register(registry);
        this.thread = new Thread(this::run, "smtpapi-cassandra-writer");
        this.thread.setDaemon(true);
    }

    /** Registers the consumer {@value #CONSUMER} and starts writing from its committed position. */
    public static CassandraEventWriter start(EventLog log, EventStore store, int batchSize, Duration retry,
            Clock clock, MeterRegistry registry) {
        CassandraEventWriter writer = new CassandraEventWriter(log, store, batchSize, retry, clock, registry);
        writer.thread.start();
        return writer;
    }

    public State state() {
        return state;
    }

    /** The reason of the last failure, for {@code /healthz}; empty when the last write worked. */
    public String lastError() {
        return state == State.RETRYING ? lastError : "";
    }

    /** Events in the log after what Cassandra holds. */
    public long lagEvents() {
        return Math.max(0, log.lastPosition() - log.committed(CONSUMER).orElse(0L));
    }

    /** How old the oldest event not yet in Cassandra is (zero when none waits). */
    public Duration lag() {
        Instant oldest = oldestUncommitted;
        if (oldest == null || lagEvents() == 0) {
            return Duration.ZERO;
        }
        return Duration.between(oldest, clock.instant()).isNegative() ? Duration.ZERO
                : Duration.between(oldest, clock.instant());
    }

    /**
     * A time up to which every event recorded is in Cassandra: just before the oldest event still on its way
     * (being appended, in the log, or being written), with {@value #SETTLE_MARGIN_MILLIS} ms of margin for the
     * events whose id was made just before they reached the log. The events API ends its default window here.
     */
    public Instant settledUntil() {
        Instant now = clock.instant();
        Instant oldest = oldestUncommitted;
        Instant bound;
        if (oldest != null && lagEvents() > 0) {
            bound = oldest;
        } else if (lagEvents() > 0 || log.appending() > 0) {
            bound = now.minusMillis(SETTLE_BUSY_MILLIS);
        } else {
            bound = now;
        }
        Instant settled = bound.minusMillis(SETTLE_MARGIN_MILLIS);
        return settled.isAfter(now) ? now : settled;
    }

    /** Whether every event recorded so far is in Cassandra. */
    public boolean isIdle() {
        return lagEvents() == 0;
    }

    private void run() {
        while (running) {
            try {
                // Lingering makes fewer, larger writes: what arrives meanwhile shares the chunks (a row per slot).
                // The first event found is marked on its way before the linger, so settledUntil never passes it.
                List<EventFeed.LoggedEvent> batch = feed.poll(batchSize, Duration.ofMillis(200), LINGER,
                        first -> oldestUncommitted = Instant.ofEpochMilli(Uuids.unixTimestamp(first.eventId())));
                if (batch.isEmpty()) {
                    continue;
                }
                if (!store(batch)) {
                    break; // stopping: the batch stays in the log
                }
                feed.commit(batch.get(batch.size() - 1));
                // Events that came after this batch keep the mark (older than any of them) until the next poll
                // finds the first of them.
                if (lagEvents() == 0) {
                    oldestUncommitted = null;
                }
            } catch (InterruptedException e) {
                // close() interrupts; the loop condition decides.
            } catch (Throwable e) {
                failures.increment();
                state = State.RETRYING;
                lastError = e.toString();
                LOG.error("event writer: unexpected failure, retrying in {}: {}", retry, e.toString(), e);
                pause();
            }
        }
        state = State.STOPPED;
    }

    /** Stores the batch, retrying until it is stored or set aside (true), or the writer stops (false). */
    private boolean store(List<EventFeed.LoggedEvent> events) {
        int attempts = 0;
        while (running) {
            try {
                store.writeLogged(events);
                written.increment(events.size());
                if (state != State.RUNNING) {
                    LOG.info("event writer: Cassandra takes events again ({} waiting in the log)", lagEvents());
                }
                state = State.RUNNING;
                return true;
            } catch (StoreUnavailableException e) {
                if (!running) {
                    return false; // stopping: interrupted in mid-write; the batch stays in the log
                }
                failures.increment();
                attempts++;
                lastError = e.getMessage();
                if (state == State.RUNNING) {
                    LOG.warn("event writer: cannot write {} events to Cassandra, they wait in the event log; "
                            + "retrying every {}: {}", events.size(), retry, e.getMessage());
                }
                state = State.RETRYING;
                if (attempts >= ATTEMPTS_BEFORE_SPLIT && running && store.isReachable()) {
                    return storeOneByOne(events);
                }
                pause();
            }
        }
        return false;
    }

    /** Cassandra answers but keeps refusing the batch: each event on its own, the refused ones set aside. */
    private boolean storeOneByOne(List<EventFeed.LoggedEvent> events) {
        for (EventFeed.LoggedEvent event : events) {
            for (int attempt = 1; ; attempt++) {
                if (!running) {
                    return false;
                }
                try {
                    store.writeLogged(List.of(event));
                    written.increment();
                    break;
                } catch (StoreUnavailableException e) {
                    failures.increment();
                    if (attempt >= 3) {
                        deadLettered.increment();
                        log.deadLetters().event(new String(event.line(log.json()), StandardCharsets.UTF_8),
                                "Cassandra rejected it: " + e.getMessage());
                        LOG.error("event {} (log position {}): Cassandra keeps rejecting it; set aside in {}: {}",
                                event.eventId(), event.position(), log.deadLetters().directory(), e.getMessage());
                        break;
                    }
                    pause();
                }
            }
        }
        state = State.RUNNING;
        return true;
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(retry.toMillis());
        } catch (InterruptedException e) {
            // close() interrupts; the caller's loop decides.
        }
    }

    /** Stops the thread; what is not in Cassandra stays in the log for the next start. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
