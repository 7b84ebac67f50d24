package dev.smtpapi.rewrite;

/**
 * Writes a URL as an HTML attribute value that parses back to the same URL under the original quoting. An
 * unquoted value that would need quoting (it has a space, a quote, {@code =}, {@code <}, {@code >} or a
 * backtick) gets double quotes.
 */
final class AttributeValue {

    private AttributeValue() {
    }

    /** Writes {@code url} as the value of an attribute quoted with {@code quote} ({@link Splice#UNQUOTED}: none). */
    static void write(String url, char quote, OutputBuffer out) {
        if (quote == Splice.UNQUOTED && (url.isEmpty() || needsQuotes(url))) {
            out.write('"');
            write(url, '"', out);
            out.write('"');
            return;
        }
        int length = url.length();
        byte[] dst = out.reserve(6 * length);
        int d = out.size();
        for (int i = 0; i < length; i++) {
            char c = url.charAt(i);
            if (c > 0x7e || c < 0x20) {
                requireAscii(url);
            }
            if (c == '&') {
                d = put(dst, d, "&amp;");
            } else if (c == '"' && quote == '"') {
                d = put(dst, d, "&quot;");
            } else if (c == '\'' && quote == '\'') {
                d = put(dst, d, "&#39;");
            } else {
                dst[d++] = (byte) c;
            }
        }
        out.truncate(d);
    }

    private static int put(byte[] dst, int d, String entity) {
        for (int i = 0; i < entity.length(); i++) {
            dst[d++] = (byte) entity.charAt(i);
        }
        return d;
    }

    /** Returns {@code url}, or throws when it holds anything but printable ASCII. */
    static String requireAscii(String url) {
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c > 0x7e || c < 0x20) {
                throw new IllegalArgumentException("tracking URLs must be printable ASCII, found U+"
                        + String.format("%04X", (int) c) + " in " + url);
            }
        }
        return url;
    }

    private static boolean needsQuotes(String url) {
        for (int i = 0; i < url.length(); i++) {
            switch (url.charAt(i)) {
                case ' ', '"', '\'', '=', '<', '>', '`' -> {
                    return true;
                }
                default -> {
                }
            }
        }
        return false;
    }
}
