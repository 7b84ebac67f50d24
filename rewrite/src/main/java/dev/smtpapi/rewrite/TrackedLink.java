package dev.smtpapi.rewrite;

import java.util.Objects;
import java.util.Optional;

/**
 * One link that gets a per-recipient click URL.
 *
 * @param index       position in {@link TrackableMessage#links()}: the link index that goes into tokens
 * @param targetUrl   the URL a browser would have opened: HTML entities decoded once, tabs and line breaks
 *                    removed, C0 controls and spaces trimmed at the ends (WHATWG URL), nothing re-encoded
 * @param name        {@code data-msys-linkname}, cut to at most 63 UTF-8 bytes; empty when absent
 * @param sublink     {@code data-msys-sublink} with spaces replaced by {@code _}; empty when absent
 * @param unsubscribe true when the link carried {@code data-msys-unsubscribe="1"}
 * @param source      the body part the link was found in
 */
public record TrackedLink(
        int index,
        String targetUrl,
        Optional<String> name,
        Optional<String> sublink,
        boolean unsubscribe,
        Source source) {

    /** The body part a link comes from. */
    public enum Source { HTML, TEXT }

    public TrackedLink {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        Objects.requireNonNull(targetUrl, "targetUrl");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sublink, "sublink");
        Objects.requireNonNull(source, "source");
    }
}
