package dev.smtpapi.tracker.event;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.smtpapi.store.StoreUnavailableException;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * The events in Cassandra. The writer stores them in {@code engagement_event_chunks}: per partition of the events
 * table (an hour and one of its {@value TrackingEvent#BUCKETS} buckets) and 10-millisecond slot of event time, one
 * row holds every event of a write in that slot, as their spool lines (so one row and one cell for tens or
 * hundreds of events, instead of a row each). A chunk's key is the id of its first event, so writing the same
 * events again after a crash rewrites the same row; readers drop an event met twice (a chunk written again from
 * a different first event). Events written by earlier versions, one row each in {@code engagement_events}, are
 * read beside the chunks while that table holds any. Reads come newest first over a time window, merging the
 * buckets of each hour. Thread-safe.
 */
public final class EventStore {
    /**
     * Events per chunk row at most; a write of more in one slot becomes several chunks. Large enough that a
     * 10 ms slot of 30,000 clicks a second is one row: Cassandra's CPU follows the rows and the writes it is
     * given (BENCHMARKS.md, session 9).
     */
    public static final int MAX_CHUNK_EVENTS = 1024;
    /** Bytes of spool lines per chunk row at most (a single larger event is a chunk of its own). */
    public static final int MAX_CHUNK_BYTES = 1024 * 1024;
    /** The width of a chunk's slot of event time; a slot's events share one bucket (see TrackingEvent). */
    public static final long SLOT_MILLIS = TrackingEvent.BUCKET_SLOT_MILLIS;
    private static final byte LINE_END = '\n';
    private static final int LEGACY_PAGE_SIZE = 500;
    /** Chunk rows per page of a read: with {@link #MAX_CHUNK_BYTES}, at most 8 MiB of lines per bucket's page. */
    private static final int CHUNK_PAGE_SIZE = 8;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** Newest first; events of the same 100 ns tick by bucket, then by id: the order every reader sees. */
    private static final Comparator<TrackingEvent> NEWEST_FIRST = Comparator
            .comparingLong((TrackingEvent event) -> event.eventId().timestamp()).reversed()
            .thenComparing(TrackingEvent::bucket)
            .thenComparing(TrackingEvent::eventId);

    private final CqlSession session;
    private final ConsistencyLevel consistency;
    private final PreparedStatement insertChunk;
    private final PreparedStatement selectChunks;
    private final PreparedStatement selectLegacy;
    private final EventJson json;
    private final boolean legacyRows;

    private EventStore(CqlSession session, String keyspace, ConsistencyLevel consistency, Duration retention,
            EventJson json) {
        this.session = Objects.requireNonNull(session, "session");
        this.json = Objects.requireNonNull(json, "json");
        this.consistency = Objects.requireNonNull(consistency, "consistency");
        int ttlSeconds = (int) Math.min(Integer.MAX_VALUE, retention.getSeconds());
        this.insertChunk = session.prepare("INSERT INTO " + keyspace + ".engagement_event_chunks (hour, bucket, slot, "
                + "chunk, events) VALUES (?, ?, ?, ?, ?) USING TTL " + ttlSeconds);
        this.selectChunks = session.prepare("SELECT slot, events FROM " + keyspace + ".engagement_event_chunks "
                + "WHERE hour = ? AND bucket = ? AND slot >= ? AND slot <= ?");
        this.selectLegacy = session.prepare("SELECT event FROM " + keyspace + ".engagement_events "
                + "WHERE hour = ? AND bucket = ? AND event_id >= minTimeuuid(?) AND event_id <= maxTimeuuid(?)");
        this.legacyRows = holdsRows(session, keyspace + ".engagement_events", consistency);
    }

    /** Whether the table holds any row; true when Cassandra cannot say now (reading it too is only slower). */
    private static boolean holdsRows(CqlSession session, String table, ConsistencyLevel consistency) {
        try {
            return session.execute(SimpleStatement.newInstance("SELECT event_id FROM " + table + " LIMIT 1")
                    .setConsistencyLevel(consistency).setIdempotent(true).setTimeout(READ_TIMEOUT)).one() != null;
        } catch (DriverException e) {
            return true;
        }
    }

    /** A store over a session whose schema (core's schema.cql) exists. */
    public static EventStore create(CqlSession session, String keyspace, ConsistencyLevel consistency,
            Duration retention, EventJson json) {
        return new EventStore(session, keyspace, consistency, retention, json);
    }

    /**
     * Writes all the events (in any order) and returns when every one is stored.
     *
     * @throws StoreUnavailableException when any write failed (some may have been stored: writing them again
     *     is harmless)
     */
    public void writeAll(List<TrackingEvent> events) {
        List<Line> lines = new ArrayList<>(events.size());
        for (TrackingEvent event : events) {
            lines.add(new Line(event.eventId(), json.toSpoolBytes(event)));
        }
        write(lines);
    }

    /** Writes events as the log holds them, their recorded bytes unparsed; see {@link #writeAll}. */
    public void writeLogged(List<EventFeed.LoggedEvent> events) {
        List<Line> lines = new ArrayList<>(events.size());
        for (EventFeed.LoggedEvent event : events) {
            lines.add(new Line(event.eventId(), event.line(json)));
        }
        write(lines);
    }

    private void write(List<Line> lines) {
        List<CompletableFuture<AsyncResultSet>> writes = new ArrayList<>();
        try {
            for (List<Line> chunk : chunks(lines)) {
                writes.add(session.executeAsync(bind(chunk)).toCompletableFuture());
            }
            CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted writing " + lines.size() + " events", e);
        } catch (DriverException e) {
            throw new StoreUnavailableException("cannot write " + lines.size() + " events: " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw StoreUnavailableException.because("cannot write " + lines.size() + " events", e.getCause());
        }
    }

    /**
     * The chunks of a write: events grouped by slot, in the order given within a slot, cut at
     * {@link #MAX_CHUNK_EVENTS} events or {@link #MAX_CHUNK_BYTES} bytes.
     */
    static List<List<Line>> chunks(List<Line> lines) {
        Map<Long, List<Line>> bySlot = new LinkedHashMap<>();
        for (Line line : lines) {
            bySlot.computeIfAbsent(slotOf(line.eventId()), slot -> new ArrayList<>()).add(line);
        }
        List<List<Line>> chunks = new ArrayList<>();
        for (List<Line> slot : bySlot.values()) {
            List<Line> chunk = new ArrayList<>();
            int bytes = 0;
            for (Line line : slot) {
                if (!chunk.isEmpty() && (chunk.size() >= MAX_CHUNK_EVENTS
                        || bytes + line.bytes().length + 1 > MAX_CHUNK_BYTES)) {
                    chunks.add(chunk);
                    chunk = new ArrayList<>();
                    bytes = 0;
                }
                chunk.add(line);
                bytes += line.bytes().length + 1;
            }
            chunks.add(chunk);
        }
        return chunks;
    }

    private BoundStatement bind(List<Line> chunk) {
        int size = 0;
        for (Line line : chunk) {
            size += line.bytes().length + 1;
        }
        ByteBuffer lines = ByteBuffer.allocate(size - 1);
        for (Line line : chunk) {
            if (lines.position() > 0) {
                lines.put(LINE_END);
            }
            lines.put(line.bytes());
        }
        ByteBuffer events = ChunkCodec.encode(lines.array());
        UUID first = chunk.get(0).eventId();
        return insertChunk.bind(TrackingEvent.hourOf(first), TrackingEvent.bucketOf(first),
                        Instant.ofEpochMilli(slotOf(first)), first, events)
                .setConsistencyLevel(consistency).setIdempotent(true);
    }

    /** The start of the slot of event time an event id falls in, in epoch milliseconds. */
    static long slotOf(UUID eventId) {
        return slotStart(Uuids.unixTimestamp(eventId));
    }

    private static long slotStart(long millis) {
        return millis - Math.floorMod(millis, SLOT_MILLIS);
    }

    /** An event to write: its id and its spool line in UTF-8 (one line: JSON escapes line breaks). */
    record Line(UUID eventId, byte[] bytes) {
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

    private static AsyncResultSet await(CompletionStage<AsyncResultSet> stage) {
        try {
            return stage.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted reading events", e);
        } catch (ExecutionException e) {
            throw StoreUnavailableException.because("cannot read events", e.getCause());
        }
    }

    /** One bucket of one hour, newest first, fetching further pages as it goes; {@link #head} null at the end. */
    private abstract static class Source {
        TrackingEvent head;
        private AsyncResultSet page;
        private Iterator<Row> rows;

        Source(CompletionStage<AsyncResultSet> first) {
            this.page = await(first);
            this.rows = page.currentPage().iterator();
        }

        /** Moves {@link #head} to the next event, or null at the end. */
        abstract void advance();

        /** The next row, or null after the last. */
        Row nextRow() {
            while (!rows.hasNext()) {
                if (!page.hasMorePages()) {
                    return null;
                }
                page = await(page.fetchNextPage());
                rows = page.currentPage().iterator();
            }
            return rows.next();
        }
    }

    /** A bucket of chunks: one slot at a time, its chunks' events decoded, met once each, sorted. */
    private final class ChunkSource extends Source {
        private final long fromMillis;
        private final long toMillis;
        private final ArrayDeque<TrackingEvent> slotEvents = new ArrayDeque<>();
        private Row lookahead;

        ChunkSource(CompletionStage<AsyncResultSet> first, Instant from, Instant to) {
            super(first);
            this.fromMillis = from.toEpochMilli();
            this.toMillis = to.toEpochMilli();
            this.lookahead = nextRow();
            advance();
        }

        @Override
        void advance() {
            while (slotEvents.isEmpty() && lookahead != null) {
                readSlot();
            }
            head = slotEvents.poll();
        }

        /** Reads every chunk of the next slot (they are adjacent: the rows are ordered by slot). */
        private void readSlot() {
            Instant slot = lookahead.getInstant("slot");
            Map<UUID, TrackingEvent> events = new HashMap<>();
            while (lookahead != null && slot.equals(lookahead.getInstant("slot"))) {
                ByteBuffer cell = lookahead.getByteBuffer("events");
                if (cell != null) {
                    decode(cell, events);
                }
                lookahead = nextRow();
            }
            List<TrackingEvent> sorted = new ArrayList<>(events.values());
            sorted.sort(NEWEST_FIRST);
            slotEvents.addAll(sorted);
        }

        private void decode(ByteBuffer cell, Map<UUID, TrackingEvent> into) {
            byte[] bytes = ChunkCodec.decode(cell);
            int start = 0;
            for (int i = 0; i <= bytes.length; i++) {
                if (i == bytes.length || bytes[i] == LINE_END) {
                    if (i > start) {
                        json.fromSpoolBytes(bytes, start, i - start).ifPresent(event -> {
                            long millis = Uuids.unixTimestamp(event.eventId());
                            if (millis >= fromMillis && millis <= toMillis) {
                                into.putIfAbsent(event.eventId(), event);
                            }
                        });
                    }
                    start = i + 1;
                }
            }
        }
    }

    /** A bucket of the table of earlier versions: a row per event, in Cassandra's order. */
    private final class LegacySource extends Source {
        LegacySource(CompletionStage<AsyncResultSet> first) {
            super(first);
            advance();
        }

        @Override
        void advance() {
            head = null;
            Row row;
            while (head == null && (row = nextRow()) != null) {
                String text = row.getString("event");
                head = text == null ? null : json.fromSpoolLine(text).orElse(null);
            }
        }
    }

    /** Walks the hours from the newest down; within an hour, merges its buckets newest first. */
    private final class WindowIterator implements Iterator<TrackingEvent> {
        private final Instant from;
        private final Instant to;
        private Instant hour;
        private UUID lastReturned;
        private final PriorityQueue<Source> heads = new PriorityQueue<>(
                (a, b) -> NEWEST_FIRST.compare(a.head, b.head));

        WindowIterator(Instant from, Instant to) {
            this.from = from;
            this.to = to;
            this.hour = to.truncatedTo(ChronoUnit.HOURS);
        }

        @Override
        public boolean hasNext() {
            while (true) {
                while (heads.isEmpty()) {
                    if (hour.isBefore(from.truncatedTo(ChronoUnit.HOURS))) {
                        return false;
                    }
                    openHour(hour);
                    hour = hour.minus(1, ChronoUnit.HOURS);
                }
                if (!heads.peek().head.eventId().equals(lastReturned)) {
                    return true;
                }
                take(); // the same event again (from the other table, or a chunk rewritten): met once
            }
        }

        private void openHour(Instant start) {
            Instant firstSlot = Instant.ofEpochMilli(slotStart(from.toEpochMilli()));
            Instant lastSlot = Instant.ofEpochMilli(slotStart(to.toEpochMilli()));
            List<CompletionStage<AsyncResultSet>> chunkQueries = new ArrayList<>(TrackingEvent.BUCKETS);
            List<CompletionStage<AsyncResultSet>> legacyQueries = new ArrayList<>();
            try {
                for (short bucket = 0; bucket < TrackingEvent.BUCKETS; bucket++) {
                    chunkQueries.add(session.executeAsync(selectChunks.bind(start, bucket, firstSlot, lastSlot)
                            .setPageSize(CHUNK_PAGE_SIZE).setConsistencyLevel(consistency).setIdempotent(true)
                            .setTimeout(READ_TIMEOUT)));
                    if (legacyRows) {
                        legacyQueries.add(session.executeAsync(selectLegacy.bind(start, bucket, from, to)
                                .setPageSize(LEGACY_PAGE_SIZE).setConsistencyLevel(consistency).setIdempotent(true)
                                .setTimeout(READ_TIMEOUT)));
                    }
                }
            } catch (DriverException e) {
                throw new StoreUnavailableException("cannot read the events of " + start + ": " + e.getMessage(), e);
            }
            for (CompletionStage<AsyncResultSet> query : chunkQueries) {
                add(new ChunkSource(query, from, to));
            }
            for (CompletionStage<AsyncResultSet> query : legacyQueries) {
                add(new LegacySource(query));
            }
        }

        private void add(Source source) {
            if (source.head != null) {
                heads.add(source);
            }
        }

        private TrackingEvent take() {
            Source newest = heads.poll();
            TrackingEvent event = newest.head;
            newest.advance();
            add(newest);
            lastReturned = event.eventId();
            return event;
        }

        @Override
        public TrackingEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return take();
        }
    }
}
