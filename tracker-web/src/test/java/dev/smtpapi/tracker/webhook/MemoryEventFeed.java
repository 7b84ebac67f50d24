package dev.smtpapi.tracker.webhook;

import dev.smtpapi.tracker.event.EventFeed;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** An event log in memory, for tests: positions count from 1, commits are remembered, nothing is durable. */
final class MemoryEventFeed implements EventFeed {
    private final List<LoggedEvent> log = new ArrayList<>();
    private long committed;

    synchronized void append(TrackingEvent event) {
        log.add(new LoggedEvent(log.size() + 1, event));
        notifyAll();
    }

    synchronized long committed() {
        return committed;
    }

    @Override
    public synchronized List<LoggedEvent> poll(int max, Duration wait, Duration linger,
            Consumer<LoggedEvent> firstFound) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (log.size() <= committed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return List.of();
            }
            wait(Math.max(1, left / 1_000_000));
        }
        List<LoggedEvent> events = new ArrayList<>(log.subList((int) committed,
                (int) Math.min(log.size(), committed + max)));
        firstFound.accept(events.get(0)); // this feed never lingers
        return events;
    }

    @Override
    public synchronized void commit(LoggedEvent last) {
        committed = Math.max(committed, last.position());
    }
}
