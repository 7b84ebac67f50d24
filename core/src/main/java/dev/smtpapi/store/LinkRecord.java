package dev.smtpapi.store;

import java.util.Objects;
import java.util.Optional;

/** One tracked link of a message: where a click goes, and how events name it. */
public final class LinkRecord {
    private final String targetUrl;
    private final Optional<String> name;
    private final boolean unsubscribe;

    private LinkRecord(String targetUrl, Optional<String> name, boolean unsubscribe) {
        this.targetUrl = Objects.requireNonNull(targetUrl, "targetUrl");
        this.name = Objects.requireNonNull(name, "name");
        this.unsubscribe = unsubscribe;
    }

    public static LinkRecord of(String targetUrl, Optional<String> name, boolean unsubscribe) {
        return new LinkRecord(targetUrl, name, unsubscribe);
    }

    public static LinkRecord of(String targetUrl) {
        return new LinkRecord(targetUrl, Optional.empty(), false);
    }

    /** Exactly the URL a browser would have followed in the original message. */
    public String targetUrl() {
        return targetUrl;
    }

    /** The {@code data-msys-linkname}, when the link had one. */
    public Optional<String> name() {
        return name;
    }

    /** Whether a click on it is a {@code link_unsubscribe} event rather than a {@code click}. */
    public boolean unsubscribe() {
        return unsubscribe;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof LinkRecord)) {
            return false;
        }
        LinkRecord that = (LinkRecord) other;
        return unsubscribe == that.unsubscribe && targetUrl.equals(that.targetUrl) && name.equals(that.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(targetUrl, name, unsubscribe);
    }

    @Override
    public String toString() {
        return "LinkRecord{" + targetUrl + name.map(n -> ", name=" + n).orElse("")
                + (unsubscribe ? ", unsubscribe" : "") + "}";
    }
}
