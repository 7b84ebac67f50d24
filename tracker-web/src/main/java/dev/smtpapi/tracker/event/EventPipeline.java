package dev.smtpapi.tracker.event;

import dev.smtpapi.store.StoreUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries events from the request threads to Cassandra without making a request wait for a write.
 *
 * <p>{@link #record} only puts the event in a bounded memory queue (or, when the queue is full, appends it
 * to the {@link EventSpool}). One writer thread takes the queue in batches and writes them as
 * single-partition batch statements of idempotent inserts, keeping at most a batch's worth of events in
 * flight. When a write fails, its event goes to the spool and Cassandra
 * counts as down: until the next retry, whatever reaches the queue is spooled. Once a write or a retry succeeds, the
 * spool is replayed. {@link #close} stops the writer and moves what is still queued to the spool, so a
 * clean shutdown loses nothing.
 */
public final class EventPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);
    private static final long POLL_MILLIS = 50;
    /** How long a batch may wait to fill: events reach Cassandra at most this much later. */
    private static final long LINGER_MILLIS = 20;

    private final EventStore store;
    private final EventSpool spool;
    private final BlockingQueue<TrackingEvent> queue;
    private final int batchSize;
    private final long retryNanos;
    private final Thread writer;
    private final Counter recorded;
    private final Counter written;
    private final Counter spooled;
    private final Counter replayed;
    private final Counter failedWrites;
    private final Counter lost;
    private volatile boolean running = true;
    private volatile boolean cassandraUp = true;
    /** Events handed over and neither stored nor spooled yet. */
    private final AtomicLong unsettled = new AtomicLong();
    private volatile long nextAttemptNanos;
    private final Semaphore window;

    private EventPipeline(EventStore store, EventSpool spool, int capacity, int batchSize, Duration retry,
            MeterRegistry registry) {
        this.store = Objects.requireNonNull(store, "store");
        this.spool = Objects.requireNonNull(spool, "spool");
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSize = batchSize;
        this.retryNanos = retry.toNanos();
        this.window = new Semaphore(batchSize);
        this.recorded = Counter.builder("smtpapi.tracker.events.recorded")
                .description("Events handed to the pipeline by the servlets").register(registry);
        this.written = Counter.builder("smtpapi.tracker.events.written")
                .description("Events stored in Cassandra straight from the memory queue").register(registry);
        this.spooled = Counter.builder("smtpapi.tracker.events.spooled")
                .description("Events appended to the spool file").register(registry);
        this.replayed = Counter.builder("smtpapi.tracker.events.replayed")
                .description("Spooled events stored in Cassandra").register(registry);
        this.lost = Counter.builder("smtpapi.tracker.events.lost")
                .description("Events neither queued nor spooled (the spool could not be written)").register(registry);
        this.failedWrites = Counter.builder("smtpapi.tracker.events.write.failures")
                .description("Batches Cassandra did not take").register(registry);
        Gauge.builder("smtpapi.tracker.events.queued", queue, BlockingQueue::size)
                .description("Events waiting in memory").register(registry);
        Gauge.builder("smtpapi.tracker.events.spool.pending", spool, EventSpool::pendingEvents)
                .description("Events in the spool file, not yet in Cassandra").register(registry);
        this.writer = new Thread(this::run, "smtpapi-event-writer");
        this.writer.setDaemon(true);
    }

    /** Creates the pipeline and starts its writer thread (which first replays what earlier runs spooled). */
    public static EventPipeline start(EventStore store, EventSpool spool, int capacity, int batchSize,
            Duration retry, MeterRegistry registry) {
        EventPipeline pipeline = new EventPipeline(store, spool, capacity, batchSize, retry, registry);
        pipeline.writer.start();
        return pipeline;
    }

    /** Hands an event over; never blocks on Cassandra. */
    public void record(TrackingEvent event) {
        recorded.increment();
        unsettled.incrementAndGet();
        if (!running || !queue.offer(event)) {
            unsettled.decrementAndGet();
            try {
                toSpool(List.of(event));
            } catch (UncheckedIOException e) {
                // The visitor still gets the redirect; the operator sees the loss in the log and the metric.
                lost.increment();
                LOG.error("event {} lost: the queue is full and the spool cannot be written: {}", event.eventId(),
                        e.getMessage());
            }
        }
    }

    public int queued() {
        return queue.size();
    }

    public long spooled() {
        return spool.pendingEvents();
    }

    public long spoolBytes() {
        return spool.sizeBytes();
    }

    /** Whether every event handed over so far is in Cassandra (nothing queued, in flight or spooled). */
    public boolean isIdle() {
        return unsettled.get() == 0 && spool.pendingEvents() == 0;
    }

    private void run() {
        List<TrackingEvent> batch = new ArrayList<>(batchSize);
        while (running) {
            try {
                TrackingEvent first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    fillBatch(batch);
                    writeOrSpool(batch);
                }
                if (spool.pendingEvents() > 0 && mayTryCassandra()) {
                    awaitWritesInFlight();
                    replaySpool();
                }
            } catch (InterruptedException e) {
                // close() interrupts to stop waiting; the loop condition decides.
            } catch (RuntimeException e) {
                LOG.error("event writer: unexpected failure; events stay in the queue or the spool", e);
                markDown();
            } finally {
                // What was not handed to Cassandra (interrupted, or failed) goes to the spool.
                toSpool(batch);
                settle(batch.size());
                batch.clear();
            }
        }
    }

    /**
     * Waits up to {@link #LINGER_MILLIS} for the batch to fill. Under a steady trickle of clicks, writing each
     * handful of events at once costs Cassandra a request per handful; lingering briefly turns them into a few
     * large single-partition batches, which is most of Cassandra's work per event saved.
     */
    private void fillBatch(List<TrackingEvent> batch) throws InterruptedException {
        queue.drainTo(batch, batchSize - batch.size());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
        while (batch.size() < batchSize && running) {
            long left = deadline - System.nanoTime();
            TrackingEvent next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, batchSize - batch.size());
        }
    }

    /**
     * Issues the batch as single-partition batch statements, with at most {@code batchSize} events in flight
     * at any time (the window slides: a finished write makes room for the next, there is no pause between
     * batches). The events of a write that fails go to the spool. Events still in {@code batch} on return were
     * not issued.
     */
    private void writeOrSpool(List<TrackingEvent> batch) throws InterruptedException {
        List<List<TrackingEvent>> groups = EventStore.partitionGroups(batch);
        batch.clear();
        for (int i = 0; i < groups.size(); i++) {
            List<TrackingEvent> group = groups.get(i);
            if (!mayTryCassandra()) {
                groups.subList(i, groups.size()).forEach(batch::addAll);
                return;
            }
            try {
                window.acquire(group.size());
            } catch (InterruptedException e) {
                groups.subList(i, groups.size()).forEach(batch::addAll);
                throw e;
            }
            store.writeGroup(group).whenComplete((stored, error) -> {
                try {
                    if (error == null) {
                        written.increment(group.size());
                        markUp();
                    } else {
                        failedWrites.increment();
                        if (cassandraUp) {
                            LOG.warn("cannot write events to Cassandra, spooling them until it is back: {}",
                                    error.getMessage());
                        }
                        markDown();
                        toSpool(group);
                    }
                } catch (UncheckedIOException e) {
                    lost.increment(group.size());
                    LOG.error("{} events lost: the spool cannot be written: {}", group.size(), e.getMessage());
                } finally {
                    settle(group.size());
                    window.release(group.size());
                }
            });
        }
    }

    private void awaitWritesInFlight() throws InterruptedException {
        window.acquire(batchSize);
        window.release(batchSize);
    }

    private void replaySpool() {
        try {
            long count = spool.replay(batchSize, events -> {
                store.writeAll(events);
                replayed.increment(events.size());
            });
            if (count > 0) {
                LOG.info("replayed {} spooled events into Cassandra", count);
            }
            markUp();
        } catch (StoreUnavailableException e) {
            failedWrites.increment();
            LOG.debug("cannot replay the spool yet: {}", e.getMessage());
            markDown();
        }
    }

    private boolean mayTryCassandra() {
        return cassandraUp || System.nanoTime() - nextAttemptNanos >= 0;
    }

    private void markUp() {
        if (!cassandraUp) {
            LOG.info("Cassandra takes events again");
        }
        cassandraUp = true;
    }

    private void markDown() {
        cassandraUp = false;
        nextAttemptNanos = System.nanoTime() + retryNanos;
    }

    private void toSpool(List<TrackingEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        spool.append(events);
        spooled.increment(events.size());
    }

    private void settle(int events) {
        unsettled.addAndGet(-events);
    }

    /** Stops the writer, then moves what is still queued to the spool for the next start. */
    @Override
    public void close() {
        running = false;
        writer.interrupt();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (!window.tryAcquire(batchSize, 30, TimeUnit.SECONDS)) {
                LOG.warn("writes still in flight at shutdown; their events may be written or lost");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<TrackingEvent> rest = new ArrayList<>();
        queue.drainTo(rest);
        toSpool(rest);
        settle(rest.size());
        if (!rest.isEmpty()) {
            LOG.info("spooled {} queued events at shutdown", rest.size());
        }
        spool.close();
    }
}
