package dev.smtpapi.rewrite;

import java.nio.charset.StandardCharsets;

/**
 * Quoted-printable (RFC 2045 6.7) encoding of decoded bytes. Decoding lives in {@link DecodedBody}, which must
 * also remember where each encoded line came from.
 *
 * <p>An LF, with or without a CR before it, is a hard line break and is written as the message's own line
 * break; a lone CR is encoded as {@code =0D}. Encoded lines are at most 76 characters. The encoder can start
 * in the middle of a line and stop in the middle of one, so that pieces encoded once at parse time and pieces
 * encoded per recipient can be joined (with a soft line break between them when needed).
 */
final class QuotedPrintable {

    static final int MAX_LINE = 76;

    /** How the encoded bytes end. */
    enum Ending {
        /** The data ends its line (a hard break in the data, or the end of the body). */
        LINE_END,
        /** The line goes on in encoded bytes that follow: end with a soft line break. */
        SOFT_BREAK,
        /** More text follows on the same line: stop where the data stops. */
        OPEN
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    /** Bytes written as themselves: printable ASCII except '='. Space and tab depend on their place. */
    private static final boolean[] LITERAL = new boolean[256];

    static {
        for (int b = 33; b <= 126; b++) {
            LITERAL[b] = b != '=';
        }
    }

    private QuotedPrintable() {
    }

    static void encode(byte[] src, int from, int to, byte[] lineBreak, OutputBuffer out) {
        encode(src, from, to, lineBreak, 0, Ending.LINE_END, out);
    }

    /**
     * Encodes {@code src[from, to)} starting at column {@code column} of the current encoded line, and
     * returns the column where the encoded text stops.
     */
    static int encode(byte[] src, int from, int to, byte[] lineBreak, int column, Ending ending, OutputBuffer out) {
        // Worst case: every byte as =XX, plus a soft break (at most 3 bytes) per 25 input bytes.
        int length = to - from;
        byte[] dst = out.reserve(3 * length + 3 * (length / 25 + 2) + 2 * lineBreak.length);
        int d = out.size();
        int lineLength = column;
        for (int i = from; i < to; i++) {
            int b = src[i] & 0xff;
            if (b == '\n' || b == '\r' && i + 1 < to && src[i + 1] == '\n') {
                if (b == '\r') {
                    i++;
                }
                for (byte breakByte : lineBreak) {
                    dst[d++] = breakByte;
                }
                lineLength = 0;
                continue;
            }
            boolean literal = LITERAL[b];
            if (literal) {
                // A run of printable characters (most of a URL or of HTML) is copied in slices that fit the line.
                int runEnd = i + 1;
                while (runEnd < to && LITERAL[src[runEnd] & 0xff]) {
                    runEnd++;
                }
                while (i < runEnd) {
                    if (lineLength >= MAX_LINE - 1) {
                        d = softBreak(dst, d, lineBreak);
                        lineLength = 0;
                    }
                    int slice = Math.min(MAX_LINE - 1 - lineLength, runEnd - i);
                    System.arraycopy(src, i, dst, d, slice);
                    d += slice;
                    i += slice;
                    lineLength += slice;
                }
                i--;
                continue;
            }
            if (b == ' ' || b == '\t') {
                // Whitespace at the end of a line would be taken for transport padding.
                literal = !lastOnLine(src, i, to, ending);
            }
            int width = literal ? 1 : 3;
            // Keep one column for the '=' of a soft break unless this is the line's last character.
            if (lineLength + width > MAX_LINE - 1
                    && (lineLength + width > MAX_LINE || !lastOnLine(src, i, to, ending))) {
                d = softBreak(dst, d, lineBreak);
                lineLength = 0;
            }
            if (literal) {
                dst[d++] = (byte) b;
            } else {
                dst[d++] = '=';
                dst[d++] = HEX[b >> 4];
                dst[d++] = HEX[b & 0xf];
            }
            lineLength += width;
        }
        if (ending == Ending.SOFT_BREAK) {
            d = softBreak(dst, d, lineBreak);
            lineLength = 0;
        }
        out.truncate(d);
        return lineLength;
    }

    /** Ends the current encoded line with a soft break; returns the new write position. */
    static int softBreak(byte[] dst, int d, byte[] lineBreak) {
        dst[d++] = '=';
        for (byte breakByte : lineBreak) {
            dst[d++] = breakByte;
        }
        return d;
    }

    private static boolean lastOnLine(byte[] src, int i, int to, Ending ending) {
        int next = i + 1;
        if (next == to) {
            return ending == Ending.LINE_END;
        }
        return src[next] == '\n' || src[next] == '\r' && next + 1 < to && src[next + 1] == '\n';
    }
}
