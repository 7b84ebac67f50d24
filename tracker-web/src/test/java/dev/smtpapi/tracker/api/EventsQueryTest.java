package dev.smtpapi.tracker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.smtpapi.tracker.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How a request to the events API becomes a query, without a server. */
class EventsQueryTest {
    private static final Instant NOW = Instant.parse("2026-12-01T21:30:00Z");

    private static EventsQuery parse(Map<String, String[]> parameters) {
        return EventsQuery.parse(QueryParameters.of(parameters), NOW);
    }

    @Test
    void without_parameters_asks_for_the_last_day_first_page_of_1000() {
        EventsQuery query = parse(Map.of());

        assertThat(query.window()).isEqualTo(new TimeWindow(NOW.minus(Duration.ofHours(24)), NOW));
        assertThat(query.types()).isEmpty();
        assertThat(query.perPage()).isEqualTo(1000);
        assertThat(query.cursor()).isEmpty();
    }

    @Test
    void reads_lists_times_in_utc_and_the_cursor() {
        UUID cursor = UUID.fromString("8c9d1e00-cfb4-11f1-8000-000000000001");
        EventsQuery query = parse(Map.of("events", new String[] {"click, open"}, "campaigns", new String[] {"a,,b"},
                "recipients", new String[] {"Alice@Example.com"}, "from", new String[] {"2026-11-27T08:00"},
                "to", new String[] {"2026-11-27T10:00:00+01:00"}, "per_page", new String[] {"5"},
                "cursor", new String[] {cursor.toString()}));

        assertThat(query.types()).containsExactlyInAnyOrder(EventType.CLICK, EventType.OPEN);
        assertThat(query.campaigns()).containsExactlyInAnyOrder("a", "b");
        assertThat(query.recipients()).containsExactly("alice@example.com");
        assertThat(query.window().from()).isEqualTo(Instant.parse("2026-11-27T08:00:00Z"));
        assertThat(query.window().to()).isEqualTo(Instant.parse("2026-11-27T09:00:00Z"));
        assertThat(query.perPage()).isEqualTo(5);
        assertThat(query.cursor()).contains(cursor);
    }

    @Test
    void names_the_parameter_it_cannot_accept() {
        assertThatThrownBy(() -> parse(Map.of("per_page", new String[] {"10001"})))
                .isInstanceOf(BadParameterException.class).extracting("parameter").isEqualTo("per_page");
        assertThatThrownBy(() -> parse(Map.of("events", new String[] {"bounce"})))
                .extracting("parameter").isEqualTo("events");
        assertThatThrownBy(() -> parse(Map.of("cursor", new String[] {"page-2"})))
                .extracting("parameter").isEqualTo("cursor");
        assertThatThrownBy(() -> parse(Map.of("from", new String[] {"2026-10-01T00:00"})))
                .extracting("parameter").isEqualTo("from");
        assertThatThrownBy(() -> parse(Map.of("to", new String[] {"tomorrow"})))
                .extracting("parameter").isEqualTo("to");
    }
}
