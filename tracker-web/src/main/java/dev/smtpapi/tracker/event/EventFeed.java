package dev.smtpapi.tracker.event;

import java.time.Duration;
import java.util.List;

/**
 * One named consumer's view of the tracker's durable local event log (issue 9): it reads, in the order they were
 * recorded, the events appended after its last committed position, and commits what it has finished with. The
 * position survives restarts and kill -9, so a consumer sees every recorded event at least once; the log keeps a
 * segment until every registered consumer has committed past it. The Cassandra writer is the consumer
 * {@code "cassandra"}; the webhook dispatcher is {@code "webhooks"}.
 */
public interface EventFeed {

    /** Up to {@code max} events after this consumer's committed position, waiting up to {@code wait} for the first. */
    List<LoggedEvent> poll(int max, Duration wait) throws InterruptedException;

    /** Everything up to and including {@code last} is done for this consumer; durable once this returns. */
    void commit(LoggedEvent last);

    /** An event as the log holds it: its position in the log and the event itself. */
    record LoggedEvent(long position, TrackingEvent event) {
    }
}
