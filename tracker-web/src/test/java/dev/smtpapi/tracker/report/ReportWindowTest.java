package dev.smtpapi.tracker.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.tracker.api.QueryParameters;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's window ends where the events API's does: at the settled time it is given, to the millisecond. */
class ReportWindowTest {
    private static final Instant SETTLED = Instant.parse("2026-12-02T10:15:30.987654321Z");

    @Test
    void a_preset_ends_at_the_settled_time_keeping_the_events_of_its_last_second() {
        ReportWindow window = ReportWindow.of(QueryParameters.of(Map.of("range", new String[] {"1h"})), SETTLED);

        assertThat(window.to()).isEqualTo(Instant.parse("2026-12-02T10:15:30.987Z"));
        assertThat(Duration.between(window.from(), window.to())).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void a_window_with_only_from_ends_at_the_settled_time() {
        ReportWindow window = ReportWindow.of(QueryParameters.of(Map.of("from",
                new String[] {"2026-12-02T09:00"})), SETTLED);

        assertThat(window.from()).isEqualTo(Instant.parse("2026-12-02T09:00:00Z"));
        assertThat(window.to()).isEqualTo(Instant.parse("2026-12-02T10:15:30.987Z"));
    }
}
