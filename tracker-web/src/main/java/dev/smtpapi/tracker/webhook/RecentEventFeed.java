package dev.smtpapi.tracker.webhook;

import dev.smtpapi.tracker.event.EventFeed;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stop-gap {@link EventFeed} until the tracker's durable local event log exists: the events this node
 * recorded since it started, in memory (at most {@code capacity}; when full the oldest uncommitted ones are
 * dropped and counted). Not durable: events recorded but not yet made into batches are lost on a crash.
 * Thread-safe.
 */
public final class RecentEventFeed implements EventFeed {
    private final int capacity;
    private final Deque<LoggedEvent> events = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition added = lock.newCondition();
    private long nextPosition = 1;
    private long dropped;

    public RecentEventFeed(int capacity) {
        this.capacity = capacity;
    }

    /** Called for every event this node records. */
    public void append(TrackingEvent event) {
        lock.lock();
        try {
            if (events.size() >= capacity) {
                events.removeFirst();
                dropped++;
            }
            events.addLast(new LoggedEvent(nextPosition++, event));
            added.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<LoggedEvent> poll(int max, Duration wait) throws InterruptedException {
        lock.lock();
        try {
            long nanos = wait.toNanos();
            while (events.isEmpty() && nanos > 0) {
                nanos = added.awaitNanos(nanos);
            }
            List<LoggedEvent> batch = new ArrayList<>();
            for (LoggedEvent event : events) {
                if (batch.size() >= max) {
                    break;
                }
                batch.add(event);
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void commit(LoggedEvent last) {
        lock.lock();
        try {
            while (!events.isEmpty() && events.peekFirst().position() <= last.position()) {
                events.removeFirst();
            }
        } finally {
            lock.unlock();
        }
    }
}
