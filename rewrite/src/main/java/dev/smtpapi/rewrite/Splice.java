package dev.smtpapi.rewrite;

import java.util.Optional;

/**
 * A change to a decoded body part: the text {@code [start, end)} is replaced per recipient. An insertion has
 * {@code start == end}. Positions are character offsets into {@link DecodedBody#text()}.
 */
record Splice(int start, int end, Kind kind, int linkIndex, char quote) {

    /** What goes into the span. */
    enum Kind {
        /** An HTML {@code href} value (between the quotes, if any): the click URL. */
        HREF,
        /** A URL in a text part: the click URL. */
        TEXT_URL,
        /** A {@code data-msys-*} attribute or a {@code [[data-msys-clicktrack="0"]]} suffix: removed. */
        DELETE,
        /** The open pixel before {@code </body>}. */
        OPEN_PIXEL,
        /** The initial-open pixel after {@code <body>}. */
        INITIAL_OPEN_PIXEL
    }

    static final char UNQUOTED = 0;

    static Splice href(int start, int end, int linkIndex, char quote) {
        return new Splice(start, end, Kind.HREF, linkIndex, quote);
    }

    static Splice textUrl(int start, int end, int linkIndex) {
        return new Splice(start, end, Kind.TEXT_URL, linkIndex, UNQUOTED);
    }

    static Splice delete(int start, int end) {
        return new Splice(start, end, Kind.DELETE, -1, UNQUOTED);
    }

    static Splice insert(int at, Kind pixel) {
        return new Splice(at, at, pixel, -1, UNQUOTED);
    }

    /**
     * Writes this recipient's ASCII text for the span into {@code out}; returns false, writing nothing, when the
     * original text of the span stays.
     */
    boolean writeReplacement(RecipientUrls urls, OutputBuffer out) {
        Optional<String> url = switch (kind) {
            case HREF, TEXT_URL -> urls.clickUrl(linkIndex);
            case DELETE -> Optional.of("");
            case OPEN_PIXEL -> urls.openPixelUrl();
            case INITIAL_OPEN_PIXEL -> urls.initialOpenPixelUrl();
        };
        if (url.isEmpty()) {
            return false;
        }
        switch (kind) {
            case HREF -> AttributeValue.write(url.get(), quote, out);
            case TEXT_URL -> out.writeAscii(AttributeValue.requireAscii(url.get()));
            case OPEN_PIXEL, INITIAL_OPEN_PIXEL -> OpenPixel.write(url.get(), out);
            case DELETE -> {
            }
        }
        return true;
    }
}
