package dev.smtpapi.store;

import java.util.Objects;
import java.util.Optional;

/**
 * One tracked link of a message: where a click goes, and how events name it.
 *
 * @param targetUrl exactly the URL a browser would have followed in the original message
 * @param name the {@code data-msys-linkname}, when the link had one
 * @param unsubscribe whether a click on it is a {@code link_unsubscribe} event rather than a {@code click}
 */
public record LinkRecord(String targetUrl, Optional<String> name, boolean unsubscribe) {
    public LinkRecord {
        Objects.requireNonNull(targetUrl, "targetUrl");
        Objects.requireNonNull(name, "name");
    }

    public static LinkRecord of(String targetUrl, Optional<String> name, boolean unsubscribe) {
        return new LinkRecord(targetUrl, name, unsubscribe);
    }

    public static LinkRecord of(String targetUrl) {
        return new LinkRecord(targetUrl, Optional.empty(), false);
    }
}
