package dev.smtpapi.tracker.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smtpapi.tracker.machine.MachineReason;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Events as JSON: the SparkPost form the events API answers with, and the one-line form of the spool file,
 * which keeps the metadata's text exactly as stored so a replayed event is the event that was recorded.
 */
public final class EventJson {
    /** SparkPost's events API writes timestamps like {@code 2026-11-27T12:34:56.789Z}. */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ObjectMapper mapper;

    public EventJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    /** The event as the events API shows it; {@code rcpt_meta} is an object, as in SparkPost. */
    public ObjectNode toApi(TrackingEvent event) {
        ObjectNode json = common(event);
        event.rcptMetaJson().ifPresent(meta -> json.set("rcpt_meta", parseOrText(meta)));
        return json;
    }

    /** One line of the spool file (no line breaks: JSON escapes them). */
    public String toSpoolLine(TrackingEvent event) {
        ObjectNode json = common(event);
        event.rcptMetaJson().ifPresent(meta -> json.put("rcpt_meta_json", meta));
        try {
            return mapper.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event " + event.eventId(), e);
        }
    }

    /** Reads a spool line back; empty for a line that is not a whole event (a write cut short by a crash). */
    public Optional<TrackingEvent> fromSpoolLine(String line) {
        try {
            JsonNode json = mapper.readTree(line);
            if (json == null || !json.isObject()) {
                return Optional.empty();
            }
            List<String> tags = new ArrayList<>();
            json.path("rcpt_tags").forEach(tag -> tags.add(tag.asText()));
            Optional<EventType> type = EventType.fromCode(json.path("type").asText());
            if (type.isEmpty() || !json.hasNonNull("event_id")) {
                return Optional.empty();
            }
            return Optional.of(TrackingEvent.builder()
                    .eventId(UUID.fromString(json.get("event_id").asText()))
                    .type(type.get())
                    .messageId(json.path("message_id").asText(""))
                    .messageKey(text(json, "transmission_id").map(UUID::fromString))
                    .campaignId(text(json, "campaign_id"))
                    .rcptTo(json.path("rcpt_to").asText(""))
                    .rawRcptTo(json.path("raw_rcpt_to").asText(""))
                    .rcptMetaJson(text(json, "rcpt_meta_json"))
                    .rcptTags(tags)
                    .ipAddress(json.path("ip_address").asText(""))
                    .userAgent(json.path("user_agent").asText(""))
                    .targetLinkUrl(text(json, "target_link_url"))
                    .targetLinkName(text(json, "target_link_name"))
                    .machineReason(text(json, "machine_reason").flatMap(MachineReason::fromCode))
                    .build());
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private ObjectNode common(TrackingEvent event) {
        ObjectNode json = mapper.createObjectNode();
        json.put("type", event.type().code());
        json.put("event_id", event.eventId().toString());
        json.put("timestamp", timestamp(event.timestamp()));
        json.put("message_id", event.messageId());
        event.messageKey().ifPresent(key -> json.put("transmission_id", key.toString()));
        event.campaignId().ifPresent(campaign -> json.put("campaign_id", campaign));
        json.put("rcpt_to", event.rcptTo());
        json.put("raw_rcpt_to", event.rawRcptTo());
        ArrayNode tags = json.putArray("rcpt_tags");
        event.rcptTags().forEach(tags::add);
        json.put("ip_address", event.ipAddress());
        json.put("user_agent", event.userAgent());
        event.targetLinkUrl().ifPresent(url -> json.put("target_link_url", url));
        event.targetLinkName().ifPresent(name -> json.put("target_link_name", name));
        json.put("machine", event.isMachine());
        event.machineReason().ifPresent(reason -> json.put("machine_reason", reason.code()));
        return json;
    }

    private JsonNode parseOrText(String meta) {
        try {
            JsonNode parsed = mapper.readTree(meta);
            return parsed == null ? mapper.getNodeFactory().textNode(meta) : parsed;
        } catch (IOException e) {
            return mapper.getNodeFactory().textNode(meta);
        }
    }

    private static Optional<String> text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }
}
