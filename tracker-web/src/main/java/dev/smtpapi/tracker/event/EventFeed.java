package dev.smtpapi.tracker.event;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One named consumer's view of the tracker's durable local event log (issue 9): it reads, in the order they were
 * recorded, the events appended after its last committed position, and commits what it has finished with. The
 * position survives restarts and kill -9, so a consumer sees every recorded event at least once; the log keeps a
 * segment until every registered consumer has committed past it. The Cassandra writer is the consumer
 * {@code "cassandra"}; the webhook dispatcher is {@code "webhooks"}.
 */
public interface EventFeed {

    /**
     * Up to {@code max} events after this consumer's committed position, waiting up to {@code wait} for the first;
     * once some have come and fewer than {@code max}, it waits {@code linger} once more and takes what came
     * meanwhile too (fewer, larger batches; the events already read are not read again). The first event found is
     * handed to {@code firstFound} before the linger, so a caller can say from then on that it is on its way (the
     * Cassandra writer's {@code settledUntil}).
     */
    List<LoggedEvent> poll(int max, Duration wait, Duration linger, Consumer<LoggedEvent> firstFound)
            throws InterruptedException;

    /** {@link #poll(int, Duration, Duration, Consumer)} for a caller that needs no word of the first event. */
    default List<LoggedEvent> poll(int max, Duration wait, Duration linger) throws InterruptedException {
        return poll(max, wait, linger, first -> { });
    }

    /** {@link #poll(int, Duration, Duration)} without lingering. */
    default List<LoggedEvent> poll(int max, Duration wait) throws InterruptedException {
        return poll(max, wait, Duration.ZERO);
    }

    /** Everything up to and including {@code last} is done for this consumer; durable once this returns. */
    void commit(LoggedEvent last);

    /**
     * An event as the log holds it: its position, its id and type (read from the record without parsing the rest)
     * and its record's bytes, the event's spool line in UTF-8. The whole event is parsed on first use of
     * {@link #event()}, so a consumer that only moves the bytes on (the Cassandra writer) or skips the event (no
     * webhook wants it) never parses it.
     */
    final class LoggedEvent {
        private final long position;
        private final UUID eventId;
        private final EventType type;
        private final byte[] line;
        private final EventJson json;
        private TrackingEvent event;

        /** An event read from the log; {@code line} is its record's payload (not copied: do not change it). */
        LoggedEvent(long position, EventJson.Peek peek, byte[] line, EventJson json) {
            this.position = position;
            this.eventId = peek.eventId();
            this.type = peek.type();
            this.line = line;
            this.json = json;
        }

        /** An event already parsed (feeds in memory, tests); its bytes are made when asked for. */
        public LoggedEvent(long position, TrackingEvent event) {
            this.position = position;
            this.eventId = event.eventId();
            this.type = event.type();
            this.line = null;
            this.json = null;
            this.event = event;
        }

        public long position() {
            return position;
        }

        public UUID eventId() {
            return eventId;
        }

        public EventType type() {
            return type;
        }

        /** The event, parsed from its record on first use. */
        public synchronized TrackingEvent event() {
            if (event == null) {
                event = json.fromSpoolBytes(line).orElseThrow(() -> new IllegalStateException(
                        "the event log record at position " + position + " no longer parses"));
            }
            return event;
        }

        /** The event's spool line in UTF-8, as recorded. */
        public byte[] line(EventJson encoder) {
            return line != null ? line : encoder.toSpoolBytes(event);
        }

        @Override
        public String toString() {
            return "LoggedEvent{" + position + ", " + type.code() + ", " + eventId + "}";
        }
    }
}
