package dev.smtpapi.tracker.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpapi.tracker.event.EventJson;
import dev.smtpapi.tracker.event.EventType;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A batch as SparkPost's webhooks send it, from the tracker's events. */
class BatchPayloadTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final BatchPayload payload = new BatchPayload(MAPPER, new EventJson(MAPPER));

    static TrackingEvent event(EventType type, UUID messageKey, String recipient) {
        TrackingEvent.Builder event = TrackingEvent.builder()
                .eventId(TrackingEvent.newEventId())
                .type(type)
                .messageId("0001-welcome")
                .messageKey(Optional.of(messageKey))
                .campaignId(Optional.of("winter-sale"))
                .rcptTo(recipient.toLowerCase())
                .rawRcptTo(recipient)
                .rcptMetaJson(Optional.of("{\"customer\":\"42\"}"))
                .rcptTags(List.of("promo"))
                .ipAddress("203.0.113.9")
                .userAgent("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
        if (type.isClick()) {
            event.targetLinkUrl(Optional.of("https://shop.example.com/sale?utm=mail")).targetLinkName(Optional.of("hero"));
        }
        return event.build();
    }

    @Test
    void clicksAndOpensAreTrackEventsAndUnsubscribesUnsubscribeEvents() throws Exception {
        UUID key = UUID.randomUUID();
        TrackingEvent click = event(EventType.CLICK, key, "Ann@Example.com");
        TrackingEvent open = event(EventType.OPEN, key, "bob@example.com");
        TrackingEvent unsubscribe = event(EventType.LINK_UNSUBSCRIBE, key, "cy@example.com");
        JsonNode batch = MAPPER.readTree(payload.render(List.of(click, open, unsubscribe)));

        assertThat(batch.size()).isEqualTo(3);
        JsonNode clicked = batch.get(0).path("msys").path("track_event");
        assertThat(clicked.path("type").asText()).isEqualTo("click");
        assertThat(clicked.path("timestamp").isTextual()).isTrue();
        assertThat(clicked.path("timestamp").asText()).isEqualTo(Long.toString(click.timestamp().getEpochSecond()));
        assertThat(clicked.path("transmission_id").asText()).isEqualTo(key.toString());
        assertThat(clicked.path("event_id").asText()).isEqualTo(click.eventId().toString());
        assertThat(clicked.path("raw_rcpt_to").asText()).isEqualTo("Ann@Example.com");
        assertThat(clicked.path("rcpt_meta").path("customer").asText()).isEqualTo("42");
        assertThat(clicked.path("target_link_url").asText()).isEqualTo("https://shop.example.com/sale?utm=mail");
        assertThat(clicked.path("campaign_id").asText()).isEqualTo("winter-sale");
        assertThat(batch.get(1).path("msys").path("track_event").path("type").asText()).isEqualTo("open");
        assertThat(batch.get(1).path("msys").path("track_event").path("transmission_id").asText())
                .as("the same for every recipient of one mail").isEqualTo(key.toString());
        assertThat(batch.get(2).path("msys").path("unsubscribe_event").path("type").asText())
                .isEqualTo("link_unsubscribe");
        assertThat(BatchPayload.eventClass("list_unsubscribe")).isEqualTo("unsubscribe_event");
    }
}
