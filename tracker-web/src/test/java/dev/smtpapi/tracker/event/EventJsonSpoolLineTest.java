package dev.smtpapi.tracker.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smtpapi.tracker.machine.MachineReason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The spool line the click path streams into bytes: the API's fields, one line, read back as written. */
class EventJsonSpoolLineTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final EventJson JSON = new EventJson(MAPPER);

    private static TrackingEvent everyField() {
        return TrackingEvent.builder().eventId(TrackingEvent.newEventId()).type(EventType.CLICK)
                .messageId("<m1@example.com>").messageKey(Optional.of(UUID.randomUUID()))
                .campaignId(Optional.of("spring \"sale\" ☀")).rcptTo("ann@example.com")
                .rawRcptTo("Ann <Ann@Example.com>").rcptMetaJson(Optional.of("{\"tier\":\"gold\",\"n\":1}"))
                .rcptTags(List.of("vip", "line\nbreak", "émoji 😀")).ipAddress("2001:db8::1")
                .userAgent("Mozilla/5.0 \\ \"quoted\"\r\n\u0001")
                .targetLinkUrl(Optional.of("https://shop.example/?a=1&b=ü"))
                .targetLinkName(Optional.of("buy")).machineReason(Optional.of(MachineReason.values()[0])).build();
    }

    @Test
    void theStreamedLineIsTheApiFormWithTheMetadataAsText_byteForByte() throws Exception {
        TrackingEvent event = everyField();
        ObjectNode tree = JSON.toApi(event);
        tree.remove("rcpt_meta");
        tree.put("rcpt_meta_json", event.rcptMetaJson().get());

        assertThat(JSON.toSpoolBytes(event)).isEqualTo(MAPPER.writeValueAsBytes(tree));
    }

    @Test
    void aLineIsOneLineAndReadsBackAsTheEventRecorded() {
        TrackingEvent event = everyField();
        byte[] line = JSON.toSpoolBytes(event);

        assertThat(line).doesNotContain((byte) '\n', (byte) '\r');
        assertThat(JSON.fromSpoolBytes(line)).contains(event);
        assertThat(JSON.toSpoolLine(event)).isEqualTo(new String(line, StandardCharsets.UTF_8));
    }

    @Test
    void absentFieldsAreLeftOut() throws Exception {
        TrackingEvent bare = TrackingEvent.builder().eventId(TrackingEvent.newEventId()).type(EventType.OPEN)
                .messageId("m2").rcptTo("bob@example.com").rawRcptTo("bob@example.com").ipAddress("192.0.2.7")
                .userAgent("").build();

        assertThat(MAPPER.readTree(JSON.toSpoolBytes(bare)).fieldNames()).toIterable().containsExactly(
                "type", "event_id", "timestamp", "message_id", "rcpt_to", "raw_rcpt_to", "rcpt_tags", "ip_address",
                "user_agent", "machine");
        assertThat(JSON.fromSpoolBytes(JSON.toSpoolBytes(bare))).contains(bare);
    }
}
