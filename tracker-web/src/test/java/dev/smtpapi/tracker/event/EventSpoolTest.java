package dev.smtpapi.tracker.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.tracker.machine.MachineReason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool file keeps events whole across failed replays and restarts. */
class EventSpoolTest {
    private final EventJson json = new EventJson(new ObjectMapper());

    @TempDir
    Path directory;

    @Test
    void replays_spooled_events_exactly_as_recorded_and_then_forgets_them() {
        EventSpool spool = EventSpool.open(directory, json);
        List<TrackingEvent> events = List.of(click("ann@example.com"), open("ben@example.com"));
        spool.append(events);

        List<TrackingEvent> replayed = new ArrayList<>();
        long count = spool.replay(10, replayed::addAll);

        assertThat(count).isEqualTo(2);
        assertThat(replayed).containsExactlyElementsOf(events);
        assertThat(spool.pendingEvents()).isZero();
        assertThat(spool.replay(10, replayed::addAll)).isZero();
    }

    @Test
    void a_failed_replay_keeps_the_file_and_a_restart_finds_it_again() throws Exception {
        EventSpool spool = EventSpool.open(directory, json);
        spool.append(List.of(click("cy@example.com"), click("di@example.com"), open("ed@example.com")));

        assertThatThrownBy(() -> spool.replay(2, batch -> {
            throw new StoreUnavailableException("Cassandra is down", new java.io.IOException("connection refused"));
        })).isInstanceOf(StoreUnavailableException.class);
        spool.append(List.of(open("flo@example.com")));
        spool.close();
        // A crash in the middle of an append leaves half a line; it is skipped, not fatal.
        Files.writeString(directory.resolve(EventSpool.CURRENT), "{\"type\":\"click\",\"event_",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        EventSpool reopened = EventSpool.open(directory, json);
        assertThat(reopened.pendingEvents()).isEqualTo(5);
        List<TrackingEvent> replayed = new ArrayList<>();
        reopened.replay(2, replayed::addAll);
        assertThat(replayed).extracting(TrackingEvent::rcptTo)
                .containsExactlyInAnyOrder("cy@example.com", "di@example.com", "ed@example.com", "flo@example.com");
        assertThat(reopened.pendingEvents()).isZero();
        assertThat(reopened.sizeBytes()).isZero();
    }

    private static TrackingEvent click(String recipient) {
        return TrackingEvent.builder().eventId(TrackingEvent.newEventId()).type(EventType.CLICK)
                .messageId("000123.45").campaignId(Optional.of("spring")).rcptTo(recipient).rawRcptTo(recipient)
                .rcptMetaJson(Optional.of("{\"plan\": \"pro\",\n \"id\": 7}")).rcptTags(List.of("a", "b"))
                .ipAddress("198.51.100.4").userAgent("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
                .targetLinkUrl(Optional.of("https://example.com/p?a=1&b=\u00e9"))
                .targetLinkName(Optional.of("product")).build();
    }

    private static TrackingEvent open(String recipient) {
        return TrackingEvent.builder().eventId(TrackingEvent.newEventId()).type(EventType.OPEN)
                .messageId("000123.46").rcptTo(recipient).rawRcptTo(recipient).ipAddress("17.1.2.3")
                .userAgent("Mozilla/5.0").machineReason(Optional.of(MachineReason.APPLE_MPP)).build();
    }
}
