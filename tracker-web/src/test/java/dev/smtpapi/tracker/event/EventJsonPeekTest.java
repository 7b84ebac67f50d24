package dev.smtpapi.tracker.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What consumers of the log read of a record without parsing it: the event's id and type. */
class EventJsonPeekTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final EventJson JSON = new EventJson(MAPPER);

    private static TrackingEvent event(EventType type) {
        return TrackingEvent.builder().eventId(TrackingEvent.newEventId()).type(type).messageId("m1")
                .campaignId(Optional.of("spring")).rcptTo("ann@example.com").rawRcptTo("Ann@Example.com")
                .ipAddress("192.0.2.1").userAgent("Firefox").build();
    }

    private static byte[] bytes(String line) {
        return line.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aLineAsTheTrackerWritesItIsPeekedAtFromItsFirstBytes() {
        for (EventType type : EventType.values()) {
            TrackingEvent event = event(type);

            assertThat(JSON.peek(bytes(JSON.toSpoolLine(event))))
                    .contains(new EventJson.Peek(event.eventId(), type));
        }
    }

    @Test
    void aLineWithItsFieldsInAnotherOrderIsParsedWhole() throws Exception {
        TrackingEvent event = event(EventType.OPEN);
        ObjectNode reordered = MAPPER.createObjectNode();
        ObjectNode written = (ObjectNode) MAPPER.readTree(JSON.toSpoolLine(event));
        reordered.put("message_id", "m1");
        reordered.setAll(written);

        assertThat(JSON.peek(bytes(MAPPER.writeValueAsString(reordered))))
                .contains(new EventJson.Peek(event.eventId(), EventType.OPEN));
    }

    @Test
    void whatIsNotAnEventPeeksEmpty() {
        String line = JSON.toSpoolLine(event(EventType.CLICK));

        assertThat(JSON.peek(bytes("{\"type\":\"click\",\"event_id\":\"not-a-uuid-at-all-but-36-characters!\"}")))
                .isEmpty();
        assertThat(JSON.peek(bytes(line.replace("\"type\":\"click\"", "\"type\":\"bounce\"")))).isEmpty();
        assertThat(JSON.peek(bytes(line.substring(0, line.length() - 1)))).isEmpty();
        assertThat(JSON.peek(bytes("[]"))).isEmpty();
        String randomId = line.replaceFirst("\"event_id\":\"[^\"]+\"",
                "\"event_id\":\"" + java.util.UUID.randomUUID() + "\"");
        assertThat(JSON.peek(bytes(randomId))).as("not a time-based id").isEmpty();
    }
}
