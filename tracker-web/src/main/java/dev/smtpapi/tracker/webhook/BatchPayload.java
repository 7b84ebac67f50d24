package dev.smtpapi.tracker.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smtpapi.tracker.event.EventJson;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * The body of a webhook batch in SparkPost's form: a JSON array of {@code {"msys": {"<class>": event}}}, where
 * the class is {@code unsubscribe_event} for {@code link_unsubscribe} and {@code list_unsubscribe} and
 * {@code track_event} for opens and clicks. Each event has the events API's fields, except that
 * {@code timestamp} is Unix seconds in a string, as SparkPost's webhooks send it, and {@code transmission_id}
 * is the mail's tracking message key.
 */
public final class BatchPayload {
    /** What {@code validate} posts: SparkPost's ping, one empty {@code msys}. */
    public static final byte[] PING = "[{\"msys\":{}}]".getBytes(StandardCharsets.US_ASCII);

    private static final Set<String> UNSUBSCRIBE_TYPES = Set.of("link_unsubscribe", "list_unsubscribe");

    private final ObjectMapper mapper;
    private final EventJson events;

    public BatchPayload(ObjectMapper mapper, EventJson events) {
        this.mapper = mapper;
        this.events = events;
    }

    /** SparkPost's event class for an event type. */
    public static String eventClass(String type) {
        return UNSUBSCRIBE_TYPES.contains(type) ? "unsubscribe_event" : "track_event";
    }

    public byte[] render(List<TrackingEvent> batch) {
        ArrayNode array = mapper.createArrayNode();
        for (TrackingEvent event : batch) {
            ObjectNode fields = events.toApi(event);
            fields.put("timestamp", Long.toString(event.timestamp().getEpochSecond()));
            array.addObject().putObject("msys").set(eventClass(event.type().code()), fields);
        }
        try {
            return mapper.writeValueAsBytes(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a webhook batch", e);
        }
    }
}
