package dev.smtpapi.rewrite;

/**
 * A fixed run of a block's text, encoded once at parse time: in the part's charset ({@code bytes}) and, for a
 * quoted-printable part, also in quoted-printable starting at the beginning of an encoded line. The line
 * lengths let a 7bit/8bit part check the 998-octet limit without scanning the output.
 *
 * @param bytes           the text in the part's charset
 * @param quotedPrintable the bytes quoted-printable encoded from column 0 with {@code ending}; empty if unused
 * @param endColumn       the encoded column where {@code quotedPrintable} stops
 * @param ending          how {@code quotedPrintable} ends
 * @param hasLineBreak    whether {@code bytes} holds an LF
 * @param firstLine       octets before the first line break (all of them without one)
 * @param lastLine        octets after the last line break
 * @param longestInner    the longest line wholly inside {@code bytes}
 * @param encodedFirstLine characters of {@code quotedPrintable} before its first line break, soft-break '='
 *                        included; all of them when it has no line break
 */
record Piece(byte[] bytes, byte[] quotedPrintable, int endColumn, QuotedPrintable.Ending ending,
        boolean hasLineBreak, int firstLine, int lastLine, int longestInner, int encodedFirstLine) {

    /** Whether {@code quotedPrintable} holds a line break, so its end column does not depend on where it starts. */
    boolean encodedHasLineBreak() {
        return encodedFirstLine < quotedPrintable.length;
    }

    /**
     * Whether {@code quotedPrintable}, encoded from column 0, may be written at {@code column} of a line without
     * a soft break first: its first line must still fit, leaving room for a soft break when the line goes on.
     */
    boolean fitsAt(int column) {
        return column + encodedFirstLine <= (encodedHasLineBreak() ? QuotedPrintable.MAX_LINE : QuotedPrintable.MAX_LINE - 1);
    }

    static Piece of(byte[] bytes, boolean quotedPrintable, byte[] lineBreak, QuotedPrintable.Ending ending) {
        byte[] encoded = new byte[0];
        int endColumn = 0;
        if (quotedPrintable && bytes.length > 0) {
            OutputBuffer out = new OutputBuffer(bytes.length * 3 / 2 + 8);
            endColumn = QuotedPrintable.encode(bytes, 0, bytes.length, lineBreak, 0, ending, out);
            encoded = out.toByteArray();
        }
        int encodedBreak = Bytes.indexOf(encoded, (byte) '\n', 0, encoded.length);
        int encodedFirstLine = encodedBreak < 0 ? encoded.length : PartRewriter.lineLength(encoded, 0, encodedBreak);
        int firstBreak = Bytes.indexOf(bytes, (byte) '\n', 0, bytes.length);
        if (firstBreak < 0) {
            return new Piece(bytes, encoded, endColumn, ending, false, bytes.length, bytes.length, 0,
                    encodedFirstLine);
        }
        int longest = 0;
        int lineStart = firstBreak + 1;
        for (int i = lineStart; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                longest = Math.max(longest, PartRewriter.lineLength(bytes, lineStart, i));
                lineStart = i + 1;
            }
        }
        return new Piece(bytes, encoded, endColumn, ending, true, PartRewriter.lineLength(bytes, 0, firstBreak),
                bytes.length - lineStart, longest, encodedFirstLine);
    }
}
