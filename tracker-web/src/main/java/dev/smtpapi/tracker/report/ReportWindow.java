package dev.smtpapi.tracker.report;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The time window a report covers: one of the {@link #PRESETS} ending now (the last 24 hours by default), or
 * an explicit {@code from}/{@code to} in the events API's formats ({@code 2026-11-27T08:00} is UTC). Its
 * chart has an hourly bucket for windows up to {@link #HOURLY_UP_TO}, daily ones beyond.
 *
 * @param preset the preset's name, or empty when from and to were given
 */
record ReportWindow(Instant from, Instant to, Optional<String> preset) {
    static final String DEFAULT_PRESET = "24h";
    /** Presets in the order the page offers them. */
    static final Map<String, Duration> PRESETS = Map.of("1h", Duration.ofHours(1), "24h", Duration.ofHours(24),
            "7d", Duration.ofDays(7), "31d", Duration.ofDays(31));
    static final List<String> PRESET_ORDER = List.of("1h", "24h", "7d", "31d");
    static final Duration MAX = Duration.ofDays(31);
    static final Duration HOURLY_UP_TO = Duration.ofHours(48);

    /**
     * The window asked for by the parameters {@code range}, {@code from} and {@code to} (any may be null).
     *
     * @throws IllegalArgumentException with a message for the user when one is not understood
     */
    static ReportWindow of(String range, String from, String to, Instant now) {
        Optional<Instant> start = time("from", from);
        Optional<Instant> end = time("to", to);
        if (start.isEmpty() && end.isEmpty()) {
            String name = range == null || range.isBlank() ? DEFAULT_PRESET : range.strip();
            Duration length = PRESETS.get(name);
            if (length == null) {
                throw new IllegalArgumentException("range must be one of " + String.join(", ", PRESET_ORDER));
            }
            Instant until = now.truncatedTo(ChronoUnit.SECONDS);
            return new ReportWindow(until.minus(length), until, Optional.of(name));
        }
        Instant until = end.orElse(now.truncatedTo(ChronoUnit.SECONDS));
        Instant since = start.orElse(until.minus(PRESETS.get(DEFAULT_PRESET)));
        if (!since.isBefore(until)) {
            throw new IllegalArgumentException("from must be before to");
        }
        if (Duration.between(since, until).compareTo(MAX) > 0) {
            throw new IllegalArgumentException("the window may be at most " + MAX.toDays() + " days");
        }
        return new ReportWindow(since, until, Optional.empty());
    }

    /** The chart's bucket: an hour for short windows, a day (UTC) for long ones. */
    ChronoUnit bucket() {
        return Duration.between(from, to).compareTo(HOURLY_UP_TO) <= 0 ? ChronoUnit.HOURS : ChronoUnit.DAYS;
    }

    private static Optional<Instant> time(String name, String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String text = value.strip();
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException again) {
                throw new IllegalArgumentException(name + " must be a time like 2026-11-27T08:00 (UTC) or "
                        + "2026-11-27T08:00:00Z");
            }
        }
    }
}
