package dev.smtpapi.tracker.event;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.smtpapi.store.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * The {@code engagement_events} table: writes events idempotently (keyed by their event id) in single-partition
 * batches, and reads them back newest first over a time window, merging the buckets of each hour.
 * Thread-safe.
 */
public final class EventStore {
    /** Rows per batch statement; every batch goes to one partition, which Cassandra applies as one mutation. */
    public static final int MAX_BATCH_ROWS = 64;
    /** An event is one JSON cell (the spool file's line format): one cell to write instead of thirteen. */
    private static final String COLUMNS = "event_id, event";
    private static final int PAGE_SIZE = 500;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final CqlSession session;
    private final ConsistencyLevel consistency;
    private final PreparedStatement insert;
    private final PreparedStatement selectWindow;
    private final EventJson json;

    private EventStore(CqlSession session, String keyspace, ConsistencyLevel consistency, Duration retention,
            EventJson json) {
        this.session = Objects.requireNonNull(session, "session");
        this.json = Objects.requireNonNull(json, "json");
        this.consistency = Objects.requireNonNull(consistency, "consistency");
        int ttlSeconds = (int) Math.min(Integer.MAX_VALUE, retention.getSeconds());
        this.insert = session.prepare("INSERT INTO " + keyspace + ".engagement_events (hour, bucket, " + COLUMNS + ") "
                + "VALUES (?, ?, ?, ?) USING TTL " + ttlSeconds);
        this.selectWindow = session.prepare("SELECT " + COLUMNS + " FROM " + keyspace + ".engagement_events "
                + "WHERE hour = ? AND bucket = ? AND event_id >= minTimeuuid(?) AND event_id <= maxTimeuuid(?)");
    }

    /** A store over a session whose schema (core's schema.cql) exists. */
    public static EventStore create(CqlSession session, String keyspace, ConsistencyLevel consistency,
            Duration retention, EventJson json) {
        return new EventStore(session, keyspace, consistency, retention, json);
    }

    /**
     * Splits events into groups that share a partition, at most {@link #MAX_BATCH_ROWS} each, keeping their
     * order; each group is one batch for {@link #writeGroup}.
     */
    public static List<List<TrackingEvent>> partitionGroups(List<TrackingEvent> events) {
        Map<String, List<TrackingEvent>> byPartition = new LinkedHashMap<>();
        List<List<TrackingEvent>> groups = new ArrayList<>();
        for (TrackingEvent event : events) {
            String partition = event.hour().toEpochMilli() + "/" + event.bucket();
            List<TrackingEvent> group = byPartition.get(partition);
            if (group == null || group.size() >= MAX_BATCH_ROWS) {
                group = new ArrayList<>();
                byPartition.put(partition, group);
                groups.add(group);
            }
            group.add(event);
        }
        return groups;
    }

    /**
     * Writes events of one partition (a group of {@link #partitionGroups}) as one unlogged batch: a
     * single-partition batch is applied atomically, as one mutation. The stage fails with
     * {@link StoreUnavailableException}.
     */
    public CompletionStage<Void> writeGroup(List<TrackingEvent> group) {
        CompletionStage<AsyncResultSet> write;
        try {
            if (group.size() == 1) {
                write = session.executeAsync(bind(group.get(0)).setConsistencyLevel(consistency).setIdempotent(true));
            } else {
                BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
                for (TrackingEvent event : group) {
                    batch.addStatement(bind(event));
                }
                write = session.executeAsync(batch.setConsistencyLevel(consistency).setIdempotence(true).build());
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new StoreUnavailableException("cannot write " + group.size()
                    + " events: " + e.getMessage(), e));
        }
        return write.handle((result, error) -> {
            if (error != null) {
                throw StoreUnavailableException.because("cannot write " + group.size() + " events", error);
            }
            return null;
        });
    }

    /**
     * Writes all the events and returns when every one is stored.
     *
     * @throws StoreUnavailableException when any write failed (some may have been stored: writing them again
     *     is harmless)
     */
    public void writeAll(List<TrackingEvent> events) {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (List<TrackingEvent> group : partitionGroups(events)) {
            writes.add(writeGroup(group).toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted writing " + events.size() + " events", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw cause instanceof StoreUnavailableException ? (StoreUnavailableException) cause
                    : new StoreUnavailableException("cannot write events: " + cause, cause);
        }
    }

    private BoundStatement bind(TrackingEvent event) {
        return insert.bind(event.hour(), event.bucket(), event.eventId(), json.toSpoolLine(event));
    }

    /**
     * The events from {@code from} to {@code to} (both inclusive), newest first, read lazily page by page.
     * Events of the same 100 ns tick in different buckets come in bucket order, so the order is stable.
     *
     * @throws StoreUnavailableException from the iterator when Cassandra cannot be read
     */
    public Iterator<TrackingEvent> newestFirst(Instant from, Instant to) {
        return new WindowIterator(from, to);
    }

    /** Every event of a window, newest first (for tests and tools: it holds them all in memory). */
    public List<TrackingEvent> list(Instant from, Instant to) {
        List<TrackingEvent> events = new ArrayList<>();
        newestFirst(from, to).forEachRemaining(events::add);
        return events;
    }

    /** Whether Cassandra answers a trivial query now. */
    public boolean isReachable() {
        try {
            session.execute(SimpleStatement.newInstance("SELECT release_version FROM system.local")
                    .setTimeout(Duration.ofSeconds(2)));
            return true;
        } catch (DriverException e) {
            return false;
        }
    }

    /** The stored event; null for a cell that is not a whole event (never written so, but never fatal). */
    private TrackingEvent fromRow(Row row) {
        String text = row.getString("event");
        return text == null ? null : json.fromSpoolLine(text).orElse(null);
    }

    /** One bucket of one hour, newest first, fetching further pages as it goes. */
    private final class BucketRows {
        final short bucket;
        private AsyncResultSet page;
        private Iterator<Row> rows;
        TrackingEvent head;

        BucketRows(short bucket, CompletionStage<AsyncResultSet> first) {
            this.bucket = bucket;
            this.page = await(first);
            this.rows = page.currentPage().iterator();
            advance();
        }

        /** Moves {@link #head} to the next event, or null at the end. */
        void advance() {
            head = null;
            while (head == null && (rows.hasNext() || page.hasMorePages())) {
                if (!rows.hasNext()) {
                    page = await(page.fetchNextPage());
                    rows = page.currentPage().iterator();
                    continue;
                }
                head = fromRow(rows.next());
            }
        }

        private AsyncResultSet await(CompletionStage<AsyncResultSet> stage) {
            try {
                return stage.toCompletableFuture().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted reading events", e);
            } catch (ExecutionException e) {
                throw StoreUnavailableException.because("cannot read events", e.getCause());
            }
        }
    }

    /** Walks the hours from the newest down; within an hour, merges its buckets newest first. */
    private final class WindowIterator implements Iterator<TrackingEvent> {
        private final Instant from;
        private final Instant to;
        private Instant hour;
        private final PriorityQueue<BucketRows> heads = new PriorityQueue<>((a, b) -> {
            int byTime = Long.compare(b.head.eventId().timestamp(), a.head.eventId().timestamp());
            return byTime != 0 ? byTime : Short.compare(a.bucket, b.bucket);
        });

        WindowIterator(Instant from, Instant to) {
            this.from = from;
            this.to = to;
            this.hour = to.truncatedTo(ChronoUnit.HOURS);
        }

        @Override
        public boolean hasNext() {
            while (heads.isEmpty()) {
                if (hour.isBefore(from.truncatedTo(ChronoUnit.HOURS))) {
                    return false;
                }
                openHour(hour);
                hour = hour.minus(1, ChronoUnit.HOURS);
            }
            return true;
        }

        private void openHour(Instant start) {
            List<CompletionStage<AsyncResultSet>> queries = new ArrayList<>(TrackingEvent.BUCKETS);
            try {
                for (short bucket = 0; bucket < TrackingEvent.BUCKETS; bucket++) {
                    queries.add(session.executeAsync(selectWindow.bind(start, bucket, from, to).setPageSize(PAGE_SIZE)
                            .setConsistencyLevel(consistency).setTimeout(READ_TIMEOUT)));
                }
            } catch (DriverException e) {
                throw new StoreUnavailableException("cannot read the events of " + start + ": " + e.getMessage(), e);
            }
            for (short bucket = 0; bucket < TrackingEvent.BUCKETS; bucket++) {
                BucketRows rows = new BucketRows(bucket, queries.get(bucket));
                if (rows.head != null) {
                    heads.add(rows);
                }
            }
        }

        @Override
        public TrackingEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            BucketRows newest = heads.poll();
            TrackingEvent event = newest.head;
            newest.advance();
            if (newest.head != null) {
                heads.add(newest);
            }
            return event;
        }
    }
}
