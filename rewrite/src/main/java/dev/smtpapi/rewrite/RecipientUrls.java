package dev.smtpapi.rewrite;

import java.util.Optional;

/**
 * The URLs one recipient's copy of a message gets. The caller (the mailet) makes the tokens; this package only
 * splices the strings in.
 *
 * <p>Every URL must be ASCII (tracked URLs are); it is escaped for the HTML attribute quoting it lands in.
 * An empty value leaves that spot as it was, which is how click tracking and open tracking are turned off:
 * {@code clickUrl} always empty means links untouched, {@code openPixelUrl} empty means no pixel.
 */
public interface RecipientUrls {

    /** The click URL that replaces link {@code linkIndex} (see {@link TrackedLink#index()}), or empty to keep it. */
    Optional<String> clickUrl(int linkIndex);

    /** The open pixel's {@code src}, inserted just before {@code </body>}; empty for no pixel. */
    Optional<String> openPixelUrl();

    /** The initial-open pixel's {@code src}, inserted right after {@code <body ...>}; empty for none. */
    default Optional<String> initialOpenPixelUrl() {
        return Optional.empty();
    }

    /** No click URLs and no pixels: only the {@code data-msys-*} attributes are removed. */
    static RecipientUrls untracked() {
        return new RecipientUrls() {
            @Override
            public Optional<String> clickUrl(int linkIndex) {
                return Optional.empty();
            }

            @Override
            public Optional<String> openPixelUrl() {
                return Optional.empty();
            }
        };
    }
}
