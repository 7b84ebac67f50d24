package dev.smtpapi.tracker.event;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.smtpapi.tracker.machine.MachineReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Events as JSON: the SparkPost form the events API answers with, and the one-line form of the spool file,
 * which keeps the metadata's text exactly as stored so a replayed event is the event that was recorded.
 */
public final class EventJson {
    /** A spool line's usual size, to start its buffer with. */
    private static final int SPOOL_LINE_BYTES = 640;

    private final ObjectMapper mapper;

    public EventJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** SparkPost's events API writes timestamps like {@code 2026-11-27T12:34:56.789Z}. */
    public static String timestamp(Instant instant) {
        return MillisTimestamp.format(instant);
    }

    /** The event as the events API shows it; {@code rcpt_meta} is an object, as in SparkPost. */
    public ObjectNode toApi(TrackingEvent event) {
        try (TokenBuffer json = new TokenBuffer(mapper, false)) {
            json.writeStartObject();
            writeFields(json, event);
            if (event.rcptMetaJson().isPresent()) {
                json.writeFieldName("rcpt_meta");
                json.writeTree(parseOrText(event.rcptMetaJson().get()));
            }
            json.writeEndObject();
            return mapper.readTree(json.asParser());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write event " + event.eventId(), e);
        }
    }

    /** One line of the spool file (no line breaks: JSON escapes them). */
    public String toSpoolLine(TrackingEvent event) {
        return new String(toSpoolBytes(event), StandardCharsets.UTF_8);
    }

    /**
     * {@link #toSpoolLine} in UTF-8, streamed straight into bytes (the click path's form: no tree, no string):
     * the fields of {@link #toApi}, with {@code rcpt_meta_json} for the metadata's text.
     */
    public byte[] toSpoolBytes(TrackingEvent event) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(SPOOL_LINE_BYTES);
        try (JsonGenerator json = mapper.getFactory().createGenerator(bytes, JsonEncoding.UTF8)) {
            json.writeStartObject();
            writeFields(json, event);
            if (event.rcptMetaJson().isPresent()) {
                json.writeStringField("rcpt_meta_json", event.rcptMetaJson().get());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write event " + event.eventId(), e);
        }
        return bytes.toByteArray();
    }

    /** Reads a spool line back; empty for a line that is not a whole event (a write cut short by a crash). */
    public Optional<TrackingEvent> fromSpoolLine(String line) {
        try {
            return fromTree(mapper.readTree(line));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** {@link #fromSpoolLine} of a line in UTF-8. */
    public Optional<TrackingEvent> fromSpoolBytes(byte[] line) {
        return fromSpoolBytes(line, 0, line.length);
    }

    /** {@link #fromSpoolLine} of the UTF-8 line at {@code offset}, {@code length} bytes long. */
    public Optional<TrackingEvent> fromSpoolBytes(byte[] bytes, int offset, int length) {
        try {
            return fromTree(mapper.readTree(mapper.getFactory().createParser(bytes, offset, length)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** What a consumer needs to know of a spool line before (or instead of) parsing it whole. */
    public record Peek(UUID eventId, EventType type) {
    }

    /**
     * The id and type of the event of a spool line in UTF-8; empty when the line is not an event. A line as
     * {@link #toSpoolLine} writes it starts with both, so they are read from its first bytes without parsing
     * the rest; any other line is parsed whole.
     */
    public Optional<Peek> peek(byte[] line) {
        Optional<Peek> fromPrefix = peekPrefix(line);
        return fromPrefix.isPresent() ? fromPrefix
                : fromSpoolBytes(line).map(event -> new Peek(event.eventId(), event.type()));
    }

    private static final byte[] TYPE_PREFIX = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_PREFIX = "\",\"event_id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final int UUID_CHARS = 36;

    private static Optional<Peek> peekPrefix(byte[] line) {
        if (!startsWith(line, 0, TYPE_PREFIX) || line[line.length - 1] != '}') {
            return Optional.empty();
        }
        int typeEnd = TYPE_PREFIX.length;
        while (typeEnd < line.length && (line[typeEnd] >= 'a' && line[typeEnd] <= 'z' || line[typeEnd] == '_')) {
            typeEnd++;
        }
        int idStart = typeEnd + ID_PREFIX.length;
        if (!startsWith(line, typeEnd, ID_PREFIX) || idStart + UUID_CHARS >= line.length
                || line[idStart + UUID_CHARS] != '"') {
            return Optional.empty();
        }
        Optional<EventType> type = EventType.fromCode(
                new String(line, TYPE_PREFIX.length, typeEnd - TYPE_PREFIX.length, StandardCharsets.US_ASCII));
        try {
            UUID id = UUID.fromString(new String(line, idStart, UUID_CHARS, StandardCharsets.US_ASCII));
            return type.isPresent() && id.version() == 1 ? Optional.of(new Peek(id, type.get())) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean startsWith(byte[] line, int at, byte[] prefix) {
        if (line.length - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static Optional<TrackingEvent> fromTree(JsonNode json) {
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
    }

    /** The fields both forms share, in their order. */
    private static void writeFields(JsonGenerator json, TrackingEvent event) throws IOException {
        // type and event_id first: peek reads them from a spool line's first bytes
        json.writeStringField("type", event.type().code());
        json.writeStringField("event_id", event.eventId().toString());
        json.writeStringField("timestamp", timestamp(event.timestamp()));
        json.writeStringField("message_id", event.messageId());
        if (event.messageKey().isPresent()) {
            json.writeStringField("transmission_id", event.messageKey().get().toString());
        }
        if (event.campaignId().isPresent()) {
            json.writeStringField("campaign_id", event.campaignId().get());
        }
        json.writeStringField("rcpt_to", event.rcptTo());
        json.writeStringField("raw_rcpt_to", event.rawRcptTo());
        json.writeArrayFieldStart("rcpt_tags");
        for (String tag : event.rcptTags()) {
            json.writeString(tag);
        }
        json.writeEndArray();
        json.writeStringField("ip_address", event.ipAddress());
        json.writeStringField("user_agent", event.userAgent());
        if (event.targetLinkUrl().isPresent()) {
            json.writeStringField("target_link_url", event.targetLinkUrl().get());
        }
        if (event.targetLinkName().isPresent()) {
            json.writeStringField("target_link_name", event.targetLinkName().get());
        }
        json.writeBooleanField("machine", event.isMachine());
        if (event.machineReason().isPresent()) {
            json.writeStringField("machine_reason", event.machineReason().get().code());
        }
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
