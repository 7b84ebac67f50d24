package dev.smtpapi.tracker.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a page of events ends, and the query it belongs to: the window of the first page ({@code from} and
 * {@code to} fixed then, so later pages see the same events however many arrive meanwhile), the last event
 * returned, the {@code total_count} counted for the first page, and the fingerprint of the filters. Opaque to
 * clients: URL-safe base64 of {@code v1 from to event total fingerprint}.
 */
public record EventCursor(Instant from, Instant to, UUID after, long total, String fingerprint) {
    private static final String VERSION = "v1";

    public String encode() {
        String text = String.join(" ", VERSION, Long.toString(from.toEpochMilli()), Long.toString(to.toEpochMilli()),
                after.toString(), Long.toString(total), fingerprint);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws BadParameterException naming {@code cursor} when it is not one of this API's */
    public static EventCursor decode(String text) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(" ");
            if (parts.length != 6 || !parts[0].equals(VERSION)) {
                throw new IllegalArgumentException("not a v1 cursor");
            }
            return new EventCursor(Instant.ofEpochMilli(Long.parseLong(parts[1])),
                    Instant.ofEpochMilli(Long.parseLong(parts[2])), UUID.fromString(parts[3]), Long.parseLong(parts[4]),
                    parts[5]);
        } catch (IllegalArgumentException e) {
            throw new BadParameterException("cursor", "not a cursor of this API (take links.next of the page before)");
        }
    }
}
