package dev.smtpapi.tracker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.smtpapi.tracker.event.EventType;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How a request to the events API becomes a query, without a server. */
class EventsQueryTest {
    private static final Instant NOW = Instant.parse("2026-12-01T21:30:00Z");

    private static EventsQuery parse(Map<String, String[]> parameters) {
        return EventsQuery.parse(QueryParameters.of(parameters), NOW);
    }

    private static TrackingEvent click(String campaign, String message, String recipient) {
        return TrackingEvent.builder().eventId(TrackingEvent.newEventId()).type(EventType.CLICK).messageId(message)
                .campaignId(Optional.of(campaign)).rcptTo(recipient).rawRcptTo(recipient).build();
    }

    @Test
    void without_parameters_asks_for_the_last_day_first_page_of_1000() {
        EventsQuery query = parse(Map.of());

        assertThat(query.window()).isEqualTo(new TimeWindow(NOW.minus(Duration.ofHours(24)), NOW));
        assertThat(query.filters()).isEqualTo(EventsQuery.Filters.none());
        assertThat(query.perPage()).isEqualTo(1000);
        assertThat(query.page()).isEqualTo(1);
        assertThat(query.cursor()).isEmpty();
    }

    @Test
    void reads_lists_times_and_time_zones() {
        EventsQuery query = parse(Map.of("events", new String[] {"click, open"}, "campaigns", new String[] {"a,,b"},
                "recipients", new String[] {"Alice@Example.com"}, "from", new String[] {"2026-11-27T08:00"},
                "to", new String[] {"2026-11-27T10:00:00+01:00"}, "per_page", new String[] {"5"}));

        assertThat(query.filters().types()).containsExactlyInAnyOrder(EventType.CLICK, EventType.OPEN);
        assertThat(query.filters().campaigns()).containsExactlyInAnyOrder("a", "b");
        assertThat(query.filters().recipients()).containsExactly("alice@example.com");
        assertThat(query.window().from()).isEqualTo(Instant.parse("2026-11-27T08:00:00Z"));
        assertThat(query.window().to()).isEqualTo(Instant.parse("2026-11-27T09:00:00Z"));
        assertThat(query.perPage()).isEqualTo(5);
        assertThat(parse(Map.of("from", new String[] {"2026-11-27T08:00"}, "timezone", new String[] {"America/New_York"}))
                .window().from()).isEqualTo(Instant.parse("2026-11-27T13:00:00Z"));
    }

    @Test
    void legacy_names_are_synonyms_of_the_current_ones_and_merge_with_them() {
        EventsQuery legacy = parse(Map.of("campaign_ids", new String[] {"winter"}, "message_ids", new String[] {"m1"}));
        EventsQuery both = parse(Map.of("campaign_ids", new String[] {"winter"}, "campaigns", new String[] {"spring"}));

        assertThat(legacy.filters().campaigns()).containsExactly("winter");
        assertThat(legacy.filters().messages()).containsExactly("m1");
        assertThat(legacy.filters().matches(click("winter", "m1", "ann@example.com"))).isTrue();
        assertThat(legacy.filters().matches(click("autumn", "m1", "ann@example.com"))).isFalse();
        assertThat(both.filters().campaigns()).containsExactlyInAnyOrder("winter", "spring");
        assertThat(parse(Map.of("page", new String[] {"3"})).page()).isEqualTo(3);
    }

    @Test
    void filters_on_fields_no_tracker_event_has_select_nothing() {
        TrackingEvent event = click("winter", "m1", "ann@example.com");

        assertThat(parse(Map.of("template_ids", new String[] {"welcome"})).filters().matches(event)).isFalse();
        assertThat(parse(Map.of("friendly_froms", new String[] {"news@example.com"})).filters().matches(event))
                .isFalse();
        assertThat(parse(Map.of("subaccounts", new String[] {"0"})).filters().matches(event)).isTrue();
        assertThat(parse(Map.of("subaccounts", new String[] {"12"})).filters().matches(event)).isFalse();
        assertThat(parse(Map.of("recipient_domains", new String[] {"Example.com"})).filters().matches(event)).isTrue();
    }

    @Test
    void an_unknown_parameter_is_refused_naming_it() {
        assertThatThrownBy(() -> parse(Map.of("campaign", new String[] {"winter"})))
                .isInstanceOf(BadParameterException.class).extracting("parameter").isEqualTo("campaign");
    }

    @Test
    void names_the_parameter_it_cannot_accept() {
        assertThatThrownBy(() -> parse(Map.of("per_page", new String[] {"10001"})))
                .isInstanceOf(BadParameterException.class).extracting("parameter").isEqualTo("per_page");
        assertThatThrownBy(() -> parse(Map.of("events", new String[] {"bounce"})))
                .extracting("parameter").isEqualTo("events");
        assertThatThrownBy(() -> parse(Map.of("from", new String[] {"2026-10-01T00:00"})))
                .extracting("parameter").isEqualTo("from");
        assertThatThrownBy(() -> parse(Map.of("to", new String[] {"tomorrow"})))
                .extracting("parameter").isEqualTo("to");
        assertThatThrownBy(() -> parse(Map.of("timezone", new String[] {"Mars/Olympus"})))
                .extracting("parameter").isEqualTo("timezone");
        assertThatThrownBy(() -> EventCursor.decode("page-2")).extracting("parameter").isEqualTo("cursor");
    }

    @Test
    void a_cursor_keeps_its_window_event_total_and_filters() {
        EventCursor cursor = new EventCursor(Instant.parse("2026-11-30T21:30:00.123Z"), NOW, UUID.randomUUID(),
                12_345, EventsQuery.Filters.none().fingerprint());

        assertThat(EventCursor.decode(cursor.encode())).isEqualTo(cursor);
        assertThat(cursor.encode()).matches("[A-Za-z0-9_-]+");
    }
}
