package dev.smtpapi.rewrite;

import java.util.Locale;

/**
 * A link's URL as a browser reads it, so that the target recorded for a click is the one the reader would have
 * opened without tracking.
 *
 * <p>An {@code href} value goes through the first steps of the WHATWG URL parser: every ASCII tab, line feed and
 * carriage return is removed wherever it is, then C0 control characters and spaces are trimmed at both ends.
 * Only what remains is tested for an {@code http:} or {@code https:} scheme and recorded.
 */
final class BrowserUrl {

    private BrowserUrl() {
    }

    /** The URL a browser follows for the attribute value {@code href} (entities already decoded). */
    static String ofHref(String href) {
        int start = 0;
        int end = href.length();
        while (start < end && href.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && href.charAt(end - 1) <= ' ') {
            end--;
        }
        StringBuilder url = null;
        for (int i = start; i < end; i++) {
            char c = href.charAt(i);
            if (c == '\t' || c == '\n' || c == '\r') {
                if (url == null) {
                    url = new StringBuilder(end - start).append(href, start, i);
                }
            } else if (url != null) {
                url.append(c);
            }
        }
        return url == null ? href.substring(start, end) : url.toString();
    }

    /** An absolute {@code http://} or {@code https://} URL (any case) with something after the slashes. */
    static boolean isHttp(String url) {
        String lower = url.length() > 8 ? url.substring(0, 8).toLowerCase(Locale.ROOT) : url.toLowerCase(Locale.ROOT);
        return (lower.startsWith("http://") && url.length() > 7) || (lower.startsWith("https://") && url.length() > 8);
    }

    /**
     * Whether the authority of the http(s) URL {@code text[start, end)} names a host: an IP literal in brackets,
     * or dot-separated labels of letters, digits, marks, {@code -} and {@code _}, none empty (but a final dot)
     * and none starting or ending with {@code -}; an optional numeric port. {@code http://.example.com},
     * {@code http://-example.com} and {@code http://#} are not links.
     */
    static boolean hasHost(CharSequence text, int start, int end) {
        int authority = start;
        while (authority + 2 < end && !(text.charAt(authority) == ':' && text.charAt(authority + 1) == '/'
                && text.charAt(authority + 2) == '/')) {
            authority++;
        }
        authority += 3;
        int authorityEnd = authority;
        while (authorityEnd < end && "/?#".indexOf(text.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        int host = authority;
        for (int i = authority; i < authorityEnd; i++) {
            if (text.charAt(i) == '@') {
                host = i + 1;
            }
        }
        if (host >= authorityEnd) {
            return false;
        }
        int hostEnd;
        if (text.charAt(host) == '[') {
            hostEnd = host + 1;
            while (hostEnd < authorityEnd && text.charAt(hostEnd) != ']') {
                hostEnd++;
            }
            if (hostEnd == authorityEnd || hostEnd == host + 1) {
                return false;
            }
            hostEnd++;
        } else {
            hostEnd = host;
            while (hostEnd < authorityEnd && text.charAt(hostEnd) != ':') {
                hostEnd++;
            }
            if (!validLabels(text, host, hostEnd)) {
                return false;
            }
        }
        return isPort(text, hostEnd, authorityEnd);
    }

    private static boolean validLabels(CharSequence text, int from, int to) {
        int labelStart = from;
        for (int i = from; i <= to; i++) {
            if (i == to || text.charAt(i) == '.') {
                boolean finalDot = i == to && labelStart == to && labelStart > from;
                if (!finalDot && !validLabel(text, labelStart, i)) {
                    return false;
                }
                labelStart = i + 1;
            }
        }
        return true;
    }

    private static boolean validLabel(CharSequence text, int from, int to) {
        if (from == to || text.charAt(from) == '-' || text.charAt(to - 1) == '-') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            boolean allowed = c == '-' || c == '_' || Character.isLetterOrDigit(c)
                    || (c >= 0x80 && isMark(c)) || Character.isSurrogate(c);
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMark(char c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** Nothing, or a colon and digits (an empty port is allowed, as browsers do). */
    private static boolean isPort(CharSequence text, int from, int to) {
        if (from == to) {
            return true;
        }
        if (text.charAt(from) != ':') {
            return false;
        }
        for (int i = from + 1; i < to; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
