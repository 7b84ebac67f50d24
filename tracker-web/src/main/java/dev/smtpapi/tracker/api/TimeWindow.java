package dev.smtpapi.tracker.api;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The {@code from}/{@code to} window of an API query, in SparkPost's formats ({@code 2026-11-27T08:00} is UTC,
 * {@code 2026-11-27T08:00:00Z} and offsets are read as written). Without {@code to}, now; without {@code from},
 * 24 hours before {@code to}; at most 31 days.
 */
public record TimeWindow(Instant from, Instant to) {
    public static final Duration DEFAULT_LENGTH = Duration.ofHours(24);
    public static final Duration MAX_LENGTH = Duration.ofDays(31);

    /**
     * {@code from}, {@code to} and {@code timezone} (the zone of times written without an offset; default UTC).
     *
     * @param now the default {@code to}
     * @throws BadParameterException naming {@code from}, {@code to} or {@code timezone}
     */
    public static TimeWindow parse(QueryParameters parameters, Instant now) {
        ZoneId zone = zone(parameters.string("timezone"));
        Instant to = time("to", parameters.string("to"), zone).orElse(now);
        Instant from = time("from", parameters.string("from"), zone).orElse(to.minus(DEFAULT_LENGTH));
        if (from.isAfter(to)) {
            throw new BadParameterException("from", "from must be before to");
        }
        if (Duration.between(from, to).compareTo(MAX_LENGTH) > 0) {
            throw new BadParameterException("from", "the window may be at most " + MAX_LENGTH.toDays() + " days");
        }
        return new TimeWindow(from, to);
    }

    private static ZoneId zone(Optional<String> name) {
        try {
            return name.map(ZoneId::of).orElse(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new BadParameterException("timezone", "not a time zone (for example America/New_York or UTC)");
        }
    }

    private static Optional<Instant> time(String name, Optional<String> value, ZoneId zone) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String text = value.get();
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(LocalDateTime.parse(text).atZone(zone).toInstant());
            } catch (DateTimeParseException again) {
                throw new BadParameterException(name, "expected a time like 2026-11-27T08:00 or 2026-11-27T08:00:00Z");
            }
        }
    }
}
