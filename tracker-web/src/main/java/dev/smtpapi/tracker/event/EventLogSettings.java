package dev.smtpapi.tracker.event;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the event log is kept: its directory, the most bytes it may hold ({@code event_log_max_bytes}), the size
 * at which a segment is closed and a new one started, and the group commit: an fsync at the latest once
 * {@code syncEvents} events wait or {@code syncInterval} after the first of them arrived.
 */
public record EventLogSettings(Path directory, long maxBytes, long segmentBytes, int syncEvents,
        Duration syncInterval) {
}
