package dev.smtpapi.tracker.event;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer's {@link EventFeed} over the {@link EventLog}. {@link #poll} always answers from the committed
 * position: polling again without committing returns the same events again. Reads only what the log has
 * fsynced. Damaged records and records that no longer parse go to the dead-letter directory and are skipped.
 * One thread at a time.
 */
final class LogFeed implements EventFeed {
    private static final Logger LOG = LoggerFactory.getLogger(LogFeed.class);

    private final EventLog log;
    private final String name;
    private final ConsumerPosition committed;
    private EventLog.Segment segment;
    private FileChannel channel;
    private RecordReader reader;
    /** The last position read (returned or skipped). */
    private long readPosition = -1;
    /** Where the last poll started reading, to go back there cheaply when it was not committed. */
    private EventLog.Segment markSegment;
    private long markOffset;
    private long markPosition = -1;

    LogFeed(EventLog log, String name, ConsumerPosition committed) {
        this.log = log;
        this.name = name;
        this.committed = committed;
    }

    @Override
    public synchronized List<LoggedEvent> poll(int max, Duration wait, Duration linger,
            Consumer<LoggedEvent> firstFound) throws InterruptedException {
        long after = committed.get();
        if (after != readPosition) {
            seek(after);
        }
        markSegment = segment;
        markOffset = reader == null ? 0 : reader.offset();
        markPosition = readPosition;
        List<LoggedEvent> events = new ArrayList<>(Math.min(max, 1024));
        long left = wait.toNanos();
        read(events, max);
        while (events.isEmpty() && left > 0) {
            left = log.awaitAfter(readPosition, left);
            read(events, max);
        }
        if (!events.isEmpty()) {
            firstFound.accept(events.get(0));
        }
        if (!events.isEmpty() && events.size() < max && !linger.isZero()) {
            // One sleep, not a wake-up per group commit; then on from where the reading stopped.
            Thread.sleep(linger.toMillis());
            read(events, max);
        }
        return events;
    }

    @Override
    public void commit(LoggedEvent last) {
        committed.set(last.position());
        log.releaseUpTo();
    }

    /** This consumer's committed position. */
    long committedPosition() {
        return committed.get();
    }

    private void seek(long after) {
        if (markPosition == after && markSegment != null) {
            open(markSegment, markOffset);
        } else {
            closeChannel();
            segment = null;
        }
        readPosition = after;
    }

    private void read(List<LoggedEvent> events, int max) {
        try {
            while (events.size() < max) {
                if (segment == null) {
                    Optional<EventLog.Segment> first = log.segmentFor(readPosition + 1);
                    if (first.isEmpty()) {
                        return;
                    }
                    open(first.get(), 0);
                    if (segment == null) {
                        return;
                    }
                }
                reader.extendTo(segment.durableEnd);
                RecordReader.Record record = reader.next();
                if (record == null) {
                    Optional<EventLog.Segment> next = log.segmentAfter(segment);
                    if (next.isEmpty()) {
                        return; // the segment being appended to: wait for more
                    }
                    reader.extendTo(segment.durableEnd); // final now; read what came just before the roll
                    record = reader.next();
                    if (record == null) {
                        if (reader.tornTailFrom() >= 0) {
                            log.deadLetters().unreadable(segment.path, reader.tornTailFrom(), channel,
                                    segment.durableEnd - reader.tornTailFrom());
                        }
                        open(next.get(), 0);
                        if (segment == null) {
                            return;
                        }
                        continue;
                    }
                }
                if (record.damagedBytes() > 0) {
                    log.deadLetters().unreadable(segment.path, record.damagedFrom(), channel, record.damagedBytes());
                }
                if (record.position() <= readPosition) {
                    continue;
                }
                readPosition = record.position();
                Optional<EventJson.Peek> peek = log.json().peek(record.payload());
                if (peek.isEmpty()) {
                    log.deadLetters().event(new String(record.payload(), StandardCharsets.UTF_8), "the event log "
                            + "record at position " + record.position() + " is not an event this tracker reads");
                    continue;
                }
                events.add(new LoggedEvent(record.position(), peek.get(), record.payload(), log.json()));
            }
        } catch (IOException e) {
            LOG.error("event log consumer {}: cannot read {}: {}; setting the rest of it aside", name,
                    segment == null ? "a segment" : segment.path, e.getMessage());
            if (segment != null) {
                Optional<EventLog.Segment> next = log.segmentAfter(segment);
                closeChannel();
                segment = next.orElse(null);
                if (segment != null) {
                    open(segment, 0);
                }
            }
        }
    }

    private void open(EventLog.Segment target, long offset) {
        closeChannel();
        segment = target;
        try {
            channel = FileChannel.open(target.path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            LOG.warn("event log consumer {}: {} is gone (consumed and deleted); going on after it", name,
                    target.path.getFileName());
            segment = log.segmentAfter(target).orElse(null);
            if (segment != null) {
                open(segment, 0);
            }
            return;
        } catch (IOException e) {
            LOG.error("event log consumer {}: cannot open {}: {}; its events are skipped (the file stays for the "
                    + "operator)", name, target.path, e.getMessage());
            segment = log.segmentAfter(target).orElse(null);
            if (segment != null) {
                open(segment, 0);
            }
            return;
        }
        reader = new RecordReader(channel, offset, target.durableEnd);
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", segment.path, e.getMessage());
            }
            channel = null;
            reader = null;
        }
    }
}
