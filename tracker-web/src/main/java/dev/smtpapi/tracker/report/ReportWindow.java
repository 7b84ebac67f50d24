package dev.smtpapi.tracker.report;

import dev.smtpapi.tracker.api.QueryParameters;
import dev.smtpapi.tracker.api.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The time window a report covers: one of the {@link #PRESETS} ending now (the last 24 hours by default), or
 * {@code from}/{@code to} read exactly as the events API reads them ({@link TimeWindow}), so the page and the
 * API count the same events. Its chart has a bucket per hour for windows up to {@link #HOURLY_UP_TO}, per day
 * (UTC) beyond.
 *
 * @param preset the preset's name, or empty when from or to was given
 */
record ReportWindow(TimeWindow window, Optional<String> preset) {
    static final String DEFAULT_PRESET = "24h";
    static final Map<String, Duration> PRESETS = Map.of("1h", Duration.ofHours(1), "24h", Duration.ofHours(24),
            "7d", Duration.ofDays(7), "31d", Duration.ofDays(31));
    /** Presets in the order the page offers them. */
    static final List<String> PRESET_ORDER = List.of("1h", "24h", "7d", "31d");
    static final Duration HOURLY_UP_TO = Duration.ofHours(48);

    /**
     * The window asked for by the parameters {@code range}, {@code from} and {@code to}.
     *
     * @throws IllegalArgumentException with a message for the user when one is not understood
     */
    static ReportWindow of(QueryParameters parameters, Instant now) {
        Instant until = now.truncatedTo(ChronoUnit.MILLIS); // events carry milliseconds: nothing is cut off
        if (parameters.string("from").isPresent() || parameters.string("to").isPresent()) {
            TimeWindow window = TimeWindow.parse(parameters, until);
            if (!window.from().isBefore(window.to())) {
                throw new IllegalArgumentException("from must be before to");
            }
            return new ReportWindow(window, Optional.empty());
        }
        String name = parameters.string("range").orElse(DEFAULT_PRESET);
        Duration length = PRESETS.get(name);
        if (length == null) {
            throw new IllegalArgumentException("range must be one of " + String.join(", ", PRESET_ORDER));
        }
        return new ReportWindow(new TimeWindow(until.minus(length), until), Optional.of(name));
    }

    Instant from() {
        return window.from();
    }

    Instant to() {
        return window.to();
    }

    /** The chart's bucket: an hour for short windows, a day (UTC) for long ones. */
    ChronoUnit bucket() {
        return Duration.between(from(), to()).compareTo(HOURLY_UP_TO) <= 0 ? ChronoUnit.HOURS : ChronoUnit.DAYS;
    }
}
