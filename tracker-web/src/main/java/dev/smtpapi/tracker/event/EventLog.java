package dev.smtpapi.tracker.event;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's durable local event log: every event is appended here, and fsynced, before its click or open
 * is answered; the Cassandra writer and other consumers ({@link EventFeed}) read it afterwards.
 *
 * <p><b>Appending.</b> {@link #append} hands the event to one committer thread and waits until it is on disk.
 * The committer writes whatever has arrived in one write and one fsync (group commit): it fsyncs once
 * {@code syncEvents} events wait or {@code syncInterval} after the first of them arrived, whichever comes first,
 * so a request waits at most about that interval plus one fsync. Each event gets the next position (1, 2, …).
 *
 * <p><b>Files.</b> Segments {@code segment-<first position>.log} in the directory, each a run of records
 * {@code magic, length, position, CRC-32C, JSON of the event}. A new segment starts at each start-up and when
 * one reaches {@code segmentBytes}. At start-up a torn last record (a crash in mid-write) is cut off and logged;
 * a damaged or unreadable record met later is copied to the dead-letter directory and skipped. The log is bounded
 * by {@code maxBytes}: when an event does not fit, it is dropped and counted ({@link #dropped()}). A segment is
 * deleted once every registered consumer has committed past it.
 *
 * <p><b>One tracker per directory.</b> The log holds a lock on {@code LOCK}; a second tracker (or a second log in
 * the same JVM) fails at start naming the directory.
 */
public final class EventLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
    static final int MAGIC = 0x534D4556;
    static final int HEADER_BYTES = 4 + 4 + 8 + 4;
    static final int MAX_RECORD_BYTES = 1 << 20;
    private static final String SEGMENT_PREFIX = "segment-";
    private static final String SEGMENT_SUFFIX = ".log";
    static final long APPEND_TIMEOUT_SECONDS = 20;

    private final Path directory;
    private final EventJson json;
    private final long maxBytes;
    private final long segmentBytes;
    private final int syncEvents;
    private final long syncIntervalNanos;
    private final Clock clock;
    private final DeadLetters deadLetters;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** Appended and not yet taken by the committer; {@link #queued} counts them. */
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /**
     * How many queued events wake the committer: 1 while it waits for any, what a full batch still lacks while
     * it gathers, {@link Integer#MAX_VALUE} while it writes (appenders then wake nobody: the committer takes
     * what queued up when its fsync is done). One wake-up per group commit, not one per event.
     */
    private volatile int wakeAt = Integer.MAX_VALUE;
    /** Segments by first position; the last one is the one being appended to. */
    private final NavigableMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final Map<String, ConsumerPosition> consumers = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger appendingCount = new AtomicInteger();
    private final ReentrantLock appended = new ReentrantLock();
    private final Condition newEvents = appended.newCondition();
    private final Counter recorded;
    private final Counter droppedFull;
    private final Counter writeFailures;
    private final Thread committer;
    /** Completes the appenders' futures after each group commit, so the committer goes on to the next fsync. */
    private final ScheduledExecutorService acknowledger = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "smtpapi-event-log-acks");
        thread.setDaemon(true);
        return thread;
    });
    /** The batch the committer is writing (empty between commits), for {@link #expireOverdue}. */
    private volatile List<Pending> writing = List.of();
    private volatile long lastPosition;
    private volatile long lastDropNanos = Long.MIN_VALUE;
    private volatile boolean running = true;
    private FileChannel current;

    private EventLog(EventLogSettings settings, EventJson json, Clock clock, MeterRegistry registry)
            throws IOException {
        this.directory = settings.directory();
        this.json = json;
        this.maxBytes = settings.maxBytes();
        this.segmentBytes = settings.segmentBytes();
        this.syncEvents = settings.syncEvents();
        this.syncIntervalNanos = settings.syncInterval().toNanos();
        this.clock = clock;
        Files.createDirectories(directory);
        this.lockChannel = FileChannel.open(directory.resolve("LOCK"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            held = null;
        }
        if (held == null) {
            lockChannel.close();
            throw new IllegalStateException("the event log directory " + directory + " is in use by another "
                    + "tracker; give each tracker a directory of its own (option event_log_dir)");
        }
        this.lock = held;
        this.deadLetters = new DeadLetters(directory.resolve("dead-letter"), clock);
        this.recorded = Counter.builder("smtpapi.tracker.events.recorded")
                .description("Events recorded: on disk in the event log").register(registry);
        this.droppedFull = Counter.builder("smtpapi.tracker.events.dropped").tag("reason", "log_full")
                .description("Events not recorded because the event log was full").register(registry);
        this.writeFailures = Counter.builder("smtpapi.tracker.events.log.failures")
                .description("Group commits the event log could not write or fsync").register(registry);
        Gauge.builder("smtpapi.tracker.events.log.bytes", bytes, AtomicLong::get)
                .description("Bytes in the event log, on disk and about to be").register(registry);
        recover();
        loadConsumers();
        this.committer = new Thread(this::commitLoop, "smtpapi-event-log");
        this.committer.setDaemon(true);
        acknowledger.scheduleWithFixedDelay(this::expireOverdue, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Opens (or creates) the log in its directory, cuts a torn last record off, and starts the committer.
     *
     * @throws IllegalStateException when another tracker holds the directory
     * @throws UncheckedIOException when the directory cannot be used
     */
    public static EventLog open(EventLogSettings settings, EventJson json, Clock clock, MeterRegistry registry) {
        try {
            EventLog log = new EventLog(settings, json, clock, registry);
            log.committer.start();
            return log;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the event log in " + settings.directory() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Appends the event and returns once it is on disk: true when it is recorded, false when it was dropped (the
     * log is full) or could not be written (both counted and logged). Interrupting the caller only stops its wait.
     */
    public boolean append(TrackingEvent event) {
        return appendAll(List.of(event)) == 1;
    }

    /**
     * Hands the event to the committer and returns at once: the future completes with true once the event is on
     * disk, false when it was dropped or could not be written (both counted and logged), or with a
     * {@link TimeoutException} when the log has not confirmed it within {@value #APPEND_TIMEOUT_SECONDS} s. It
     * completes on the log's acknowledging thread: what depends on it must be quick and must not block.
     */
    public CompletableFuture<Boolean> appendAsync(TrackingEvent event) {
        Pending entry = entryFor(event);
        if (entry == null) {
            return CompletableFuture.completedFuture(false);
        }
        appendingCount.incrementAndGet();
        enqueue(entry);
        return entry.done.whenComplete((recorded, error) -> appendingCount.decrementAndGet());
    }

    /** Appends the events (in one group commit when they fit) and returns how many are recorded. */
    public int appendAll(List<TrackingEvent> events) {
        List<Pending> entries = new ArrayList<>(events.size());
        for (TrackingEvent event : events) {
            Pending entry = entryFor(event);
            if (entry != null) {
                entries.add(entry);
            }
        }
        appendingCount.addAndGet(entries.size());
        entries.forEach(this::enqueue);
        int recordedNow = 0;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(APPEND_TIMEOUT_SECONDS);
            for (Pending entry : entries) {
                if (entry.done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    recordedNow++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("{} events: no confirmation from the event log {} within {} s: {}", entries.size(), directory,
                    APPEND_TIMEOUT_SECONDS, e.toString());
        } finally {
            appendingCount.addAndGet(-entries.size());
        }
        return recordedNow;
    }

    /** The event encoded for the committer, or null when it does not fit (counted and logged as dropped). */
    private Pending entryFor(TrackingEvent event) {
        byte[] payload = json.toSpoolBytes(event);
        long size = HEADER_BYTES + payload.length;
        if (payload.length > MAX_RECORD_BYTES || bytes.addAndGet(size) > maxBytes || !running) {
            if (payload.length <= MAX_RECORD_BYTES) {
                bytes.addAndGet(-size);
            }
            droppedFull.increment();
            lastDropNanos = System.nanoTime();
            LOG.warn("event {} of message {} dropped: the event log in {} is {} ({} of {} bytes)",
                    event.eventId(), event.messageId(), directory, running ? "full" : "closed", bytes.get(),
                    maxBytes);
            return null;
        }
        return new Pending(payload, System.nanoTime(), new CompletableFuture<>());
    }

    /**
     * The feed of the consumer {@code name}, registered on first use (it then starts after the last event
     * recorded so far) and resuming from its committed position ever after, across restarts.
     */
    public EventFeed consumer(String name) {
        if (!name.matches("[a-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("consumer names are 1 to 64 of a-z, 0-9, _ and -: " + name);
        }
        ConsumerPosition position = consumers.computeIfAbsent(name, n -> {
            try {
                return ConsumerPosition.create(directory.resolve("consumers").resolve(n + ".position"),
                        lastPosition);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot register the event log consumer " + n, e);
            }
        });
        return new LogFeed(this, name, position);
    }

    /** Events handed to {@link #append} and not yet on disk. */
    public int appending() {
        return appendingCount.get();
    }

    /** The position of the last event recorded (0 before the first). */
    public long lastPosition() {
        return lastPosition;
    }

    /** The committed position of a registered consumer. */
    public Optional<Long> committed(String consumer) {
        return Optional.ofNullable(consumers.get(consumer)).map(ConsumerPosition::get);
    }

    public long sizeBytes() {
        return bytes.get();
    }

    public long maxBytes() {
        return maxBytes;
    }

    public int segmentCount() {
        return segments.size();
    }

    public double dropped() {
        return droppedFull.count();
    }

    /** Whether the log is full or has dropped an event in the last minute. */
    public boolean isFull() {
        long last = lastDropNanos;
        return bytes.get() >= maxBytes - segmentBytes / 64
                || (last != Long.MIN_VALUE && System.nanoTime() - last < TimeUnit.MINUTES.toNanos(1));
    }

    public Path directory() {
        return directory;
    }

    DeadLetters deadLetters() {
        return deadLetters;
    }

    EventJson json() {
        return json;
    }

    Clock clock() {
        return clock;
    }

    /** The segment holding {@code position}, or the first after it. */
    Optional<Segment> segmentFor(long position) {
        Map.Entry<Long, Segment> floor = segments.floorEntry(position);
        if (floor != null) {
            return Optional.of(floor.getValue());
        }
        return Optional.ofNullable(segments.firstEntry()).map(Map.Entry::getValue);
    }

    Optional<Segment> segmentAfter(Segment segment) {
        return Optional.ofNullable(segments.higherEntry(segment.first)).map(Map.Entry::getValue);
    }

    /** Waits until an event after {@code position} is recorded, or {@code nanos} pass; returns the nanos left. */
    long awaitAfter(long position, long nanos) throws InterruptedException {
        appended.lock();
        try {
            while (lastPosition <= position && nanos > 0 && running) {
                nanos = newEvents.awaitNanos(nanos);
            }
            return nanos;
        } finally {
            appended.unlock();
        }
    }

    /** After a consumer's commit: deletes the segments every registered consumer is past. */
    void releaseUpTo() {
        long oldestNeeded = Long.MAX_VALUE;
        for (ConsumerPosition position : consumers.values()) {
            oldestNeeded = Math.min(oldestNeeded, position.get() + 1);
        }
        synchronized (segments) {
            while (segments.size() > 1) {
                Map.Entry<Long, Segment> first = segments.firstEntry();
                Map.Entry<Long, Segment> second = segments.higherEntry(first.getKey());
                if (second.getKey() > oldestNeeded) {
                    return;
                }
                Segment done = first.getValue();
                try {
                    Files.deleteIfExists(done.path);
                    segments.remove(first.getKey());
                    bytes.addAndGet(-done.durableEnd);
                    LOG.debug("deleted {}: every consumer is past it", done.path.getFileName());
                } catch (IOException e) {
                    LOG.error("cannot delete the consumed segment {}: {}", done.path, e.getMessage());
                    return;
                }
            }
        }
    }

    // ---- start-up ------------------------------------------------------------------------------------------

    private void recover() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, SEGMENT_PREFIX + "*" + SEGMENT_SUFFIX)) {
            stream.forEach(files::add);
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            long first;
            try {
                first = Long.parseLong(name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length()));
            } catch (NumberFormatException e) {
                LOG.warn("ignoring {} in the event log directory: not a segment name", file);
                continue;
            }
            Segment segment = new Segment(file, first);
            segment.durableEnd = Files.size(file);
            segments.put(first, segment);
            bytes.addAndGet(segment.durableEnd);
        }
        long last = 0;
        if (!segments.isEmpty()) {
            Segment tail = segments.lastEntry().getValue();
            last = Math.max(cutTornTail(tail), tail.first - 1);
        }
        lastPosition = Math.max(0, last);
    }

    /** Scans the last segment, cuts off what follows its last whole record; returns that record's position. */
    private long cutTornTail(Segment tail) throws IOException {
        long last = 0;
        long validEnd = 0;
        try (FileChannel channel = FileChannel.open(tail.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            RecordReader reader = new RecordReader(channel, 0, channel.size());
            RecordReader.Record record;
            while ((record = reader.next()) != null) {
                if (record.damagedBytes() > 0) {
                    deadLetters.unreadable(tail.path, record.damagedFrom(), channel, record.damagedBytes());
                }
                if (record.payload() != null) {
                    last = record.position();
                }
                validEnd = reader.offset();
            }
            long size = channel.size();
            if (reader.tornTailFrom() >= 0) {
                long from = reader.tornTailFrom();
                LOG.warn("event log {}: skipped a torn last record ({} bytes at offset {}), left by a stop in "
                        + "mid-write; no answered event is in it", tail.path.getFileName(), size - from, from);
                channel.truncate(from);
                channel.force(true);
                validEnd = from;
            } else if (validEnd < size) {
                channel.truncate(validEnd);
            }
            bytes.addAndGet(channel.size() - tail.durableEnd);
            tail.durableEnd = channel.size();
        }
        return last;
    }

    private void loadConsumers() throws IOException {
        Path dir = directory.resolve("consumers");
        Files.createDirectories(dir);
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.position")) {
            for (Path file : stream) {
                String name = file.getFileName().toString().replace(".position", "");
                ConsumerPosition position = ConsumerPosition.create(file, lastPosition);
                consumers.put(name, position);
                lastPosition = Math.max(lastPosition, position.get());
            }
        }
    }

    // ---- the committer -------------------------------------------------------------------------------------

    private void enqueue(Pending entry) {
        pending.add(entry);
        if (queued.incrementAndGet() >= wakeAt) {
            LockSupport.unpark(committer);
        }
    }

    private Pending take() {
        Pending entry = pending.poll();
        if (entry != null) {
            queued.decrementAndGet();
        }
        return entry;
    }

    /** Moves queued events into the batch, up to {@code syncEvents} in all. */
    private void drainTo(List<Pending> batch) {
        Pending entry;
        while (batch.size() < syncEvents && (entry = take()) != null) {
            batch.add(entry);
        }
    }

    /**
     * Parks the committer until {@code wake} events are queued or {@code nanos} pass (or close() or a spurious
     * wake-up). Setting {@link #wakeAt} before reading {@link #queued} (appenders do the reverse) means an event
     * queued meanwhile is either seen here or wakes the committer.
     */
    private void parkUntilQueued(int wake, long nanos) {
        wakeAt = wake;
        if (queued.get() < wake && running) {
            LockSupport.parkNanos(this, nanos);
        }
        wakeAt = Integer.MAX_VALUE;
    }

    private void commitLoop() {
        List<Pending> batch = new ArrayList<>();
        while (running || !pending.isEmpty()) {
            try {
                Pending first = take();
                if (first == null) {
                    parkUntilQueued(1, TimeUnit.MILLISECONDS.toNanos(100));
                    continue;
                }
                batch.add(first);
                gather(batch, first.enqueuedNanos + syncIntervalNanos);
                writing = batch;
                write(batch);
                writing = List.of();
                recorded.increment(batch.size());
                List<Pending> written = batch; // a new list for the next batch: see finally
                acknowledger.execute(() -> written.forEach(entry -> entry.done.complete(true)));
            } catch (Throwable e) {
                writeFailures.increment();
                LOG.error("event log {}: cannot write {} events: {}; they are not recorded, retrying with new events",
                        directory, batch.size(), e.toString());
                for (Pending entry : batch) {
                    bytes.addAndGet(-(HEADER_BYTES + entry.payload.length));
                    entry.done.complete(false);
                }
                // Their positions are used up: what may have reached the disk never shares one with a later event.
                lastPosition += batch.size();
                reopenAfterFailure();
            } finally {
                writing = List.of();
                batch = new ArrayList<>();
            }
        }
    }

    /**
     * Once a second: an appender waiting longer than {@value #APPEND_TIMEOUT_SECONDS} s (a disk that stopped
     * answering) gets a {@link TimeoutException}, so no request waits for ever; the event may still be written.
     */
    private void expireOverdue() {
        long overdue = System.nanoTime() - TimeUnit.SECONDS.toNanos(APPEND_TIMEOUT_SECONDS);
        List<Pending> inWrite = writing;
        for (Iterable<Pending> entries : List.of(pending, inWrite)) {
            for (Pending entry : entries) {
                if (entry.enqueuedNanos - overdue < 0 && !entry.done.isDone()) {
                    entry.done.completeExceptionally(new TimeoutException("the event log " + directory
                            + " has not confirmed the event within " + APPEND_TIMEOUT_SECONDS + " s"));
                }
            }
        }
    }

    /** Fills the batch with what is queued and, until {@code deadline}, with what arrives, up to a full batch. */
    private void gather(List<Pending> batch, long deadline) {
        drainTo(batch);
        while (batch.size() < syncEvents) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !running) {
                return;
            }
            parkUntilQueued(syncEvents - batch.size(), left);
            drainTo(batch);
        }
    }

    private void write(List<Pending> batch) throws IOException {
        long position = lastPosition;
        Segment segment = segments.isEmpty() || current == null ? null : segments.lastEntry().getValue();
        if (segment == null || segment.durableEnd >= segmentBytes) {
            segment = roll(position + 1);
        }
        int total = 0;
        for (Pending entry : batch) {
            total += HEADER_BYTES + entry.payload.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(total);
        CRC32C crc = new CRC32C();
        for (Pending entry : batch) {
            position++;
            crc.reset();
            ByteBuffer positionBytes = ByteBuffer.allocate(8).putLong(0, position);
            crc.update(positionBytes);
            crc.update(entry.payload);
            buffer.putInt(MAGIC).putInt(entry.payload.length).putLong(position).putInt((int) crc.getValue())
                    .put(entry.payload);
        }
        buffer.flip();
        long at = segment.durableEnd;
        while (buffer.hasRemaining()) {
            at += current.write(buffer, at);
        }
        current.force(false);
        segment.durableEnd = at;
        appended.lock();
        try {
            lastPosition = position;
            newEvents.signalAll();
        } finally {
            appended.unlock();
        }
    }

    private Segment roll(long first) throws IOException {
        if (current != null) {
            current.close();
        }
        Path path = directory.resolve(String.format("%s%020d%s", SEGMENT_PREFIX, first, SEGMENT_SUFFIX));
        current = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        current.truncate(0);
        Segment segment = new Segment(path, first);
        segments.put(first, segment);
        syncDirectory(directory);
        return segment;
    }

    /** After a failed write: the next batch starts a fresh segment (the failed one may hold a partial record). */
    private void reopenAfterFailure() {
        try {
            if (current != null) {
                current.close();
            }
        } catch (IOException e) {
            LOG.debug("closing the failed segment: {}", e.getMessage());
        }
        current = null;
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void syncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync the directory {}: {}", directory, e.getMessage());
        }
    }

    /** Writes what is waiting, stops the committer and releases the directory. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(committer);
        try {
            committer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        acknowledger.shutdown();
        try {
            acknowledger.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        appended.lock();
        try {
            newEvents.signalAll();
        } finally {
            appended.unlock();
        }
        for (Map.Entry<String, ConsumerPosition> consumer : consumers.entrySet()) {
            try {
                consumer.getValue().close();
            } catch (UncheckedIOException e) {
                LOG.warn("event log consumer {}: {}", consumer.getKey(), e.getMessage());
            }
        }
        try {
            if (current != null) {
                current.close();
            }
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("closing the event log {}: {}", directory, e.getMessage());
        }
    }

    private record Pending(byte[] payload, long enqueuedNanos, CompletableFuture<Boolean> done) {
    }

    /** One segment file; {@link #durableEnd} is how far it is written and fsynced. */
    static final class Segment {
        final Path path;
        final long first;
        volatile long durableEnd;

        Segment(Path path, long first) {
            this.path = path;
            this.first = first;
        }
    }
}
