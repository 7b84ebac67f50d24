package dev.smtpapi.rewrite;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Base64;

/**
 * A body part decoded once into text, cut into <em>units</em> that can each be written back verbatim.
 *
 * <p>A unit is the smallest run of encoded bytes that decodes on its own: one line for 7bit/8bit, one encoded
 * line for quoted-printable (it may end in a soft line break: minified HTML is often one long soft-wrapped
 * line), the whole body for base64. A unit must also decode to whole characters, so a line that ends inside a
 * multi-byte character is joined with the next. Unit
 * {@code i} covers encoded bytes {@code [rawStart(i), rawStart(i+1))}, decoded bytes
 * {@code [decodedStart(i), decodedStart(i+1))} and text characters {@code [textStart(i), textStart(i+1))}.
 * A unit that holds no splice is copied from the input as it was; only the units around a splice are encoded
 * again, per recipient.
 *
 * <p>The charset is checked to round-trip: each unit's text must encode back to exactly its decoded bytes, or
 * the part is refused ({@link RewriteStatus#CHARSET_DOES_NOT_ROUND_TRIP}) rather than risk changing a
 * character.
 */
final class DecodedBody {

    /** A character split over more lines than this is not plausible; the body is then taken as one unit. */
    private static final int MAX_JOINED_UNITS = 16;

    private final byte[] decoded;
    private final String text;
    private final int[] rawStarts;
    private final int[] decodedStarts;
    private final int[] textStarts;
    private final BitSet softBreakAfter;

    private DecodedBody(byte[] decoded, String text, int[] rawStarts, int[] decodedStarts, int[] textStarts,
            BitSet softBreakAfter) {
        this.decoded = decoded;
        this.text = text;
        this.rawStarts = rawStarts;
        this.decodedStarts = decodedStarts;
        this.textStarts = textStarts;
        this.softBreakAfter = softBreakAfter;
    }

    static DecodedBody decode(byte[] raw, int start, int end, TransferEncoding encoding, Charset charset)
            throws NotRewritableException {
        IntList rawStarts = new IntList();
        IntList decodedStarts = new IntList();
        BitSet softBreakAfter = new BitSet();
        byte[] decoded;
        switch (encoding) {
            case QUOTED_PRINTABLE -> decoded = decodeQuotedPrintable(raw, start, end, rawStarts, decodedStarts,
                    softBreakAfter);
            case BASE64 -> {
                decoded = decodeBase64(raw, start, end);
                rawStarts.add(start);
                decodedStarts.add(0);
            }
            default -> {
                decoded = Arrays.copyOfRange(raw, start, end);
                for (int pos = start; pos < end; ) {
                    rawStarts.add(pos);
                    decodedStarts.add(pos - start);
                    int lf = Bytes.indexOf(raw, (byte) '\n', pos, end);
                    pos = lf < 0 ? end : lf + 1;
                }
            }
        }
        if (rawStarts.size() == 0) {
            rawStarts.add(start);
            decodedStarts.add(0);
        }
        rawStarts.add(end);
        decodedStarts.add(decoded.length);
        return withText(decoded, rawStarts.toArray(), decodedStarts.toArray(), softBreakAfter, charset);
    }

    /** Decodes unit by unit, joining a unit with the next while it does not round-trip on its own. */
    private static DecodedBody withText(byte[] decoded, int[] rawStarts, int[] decodedStarts, BitSet softBreakAfter,
            Charset charset) throws NotRewritableException {
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharsetEncoder encoder = charset.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int units = rawStarts.length - 1;
        StringBuilder text = new StringBuilder(decoded.length);
        IntList joinedRaw = new IntList();
        IntList joinedDecoded = new IntList();
        IntList joinedText = new IntList();
        BitSet joinedSoft = new BitSet();
        int unit = 0;
        while (unit < units) {
            int textStart = text.length();
            int next = unit + 1;
            while (!appendIfRoundTrips(decoded, decodedStarts[unit], decodedStarts[next], decoder, encoder, text)) {
                next++;
                if (next > units || next - unit > MAX_JOINED_UNITS) {
                    return asOneUnit(decoded, rawStarts, softBreakAfter.get(units - 1), decoder, encoder, charset);
                }
            }
            if (softBreakAfter.get(next - 1)) {
                joinedSoft.set(joinedRaw.size());
            }
            joinedRaw.add(rawStarts[unit]);
            joinedDecoded.add(decodedStarts[unit]);
            joinedText.add(textStart);
            unit = next;
        }
        joinedRaw.add(rawStarts[units]);
        joinedDecoded.add(decoded.length);
        joinedText.add(text.length());
        return new DecodedBody(decoded, text.toString(), joinedRaw.toArray(), joinedDecoded.toArray(),
                joinedText.toArray(), joinedSoft);
    }

    private static DecodedBody asOneUnit(byte[] decoded, int[] rawStarts, boolean endsInSoftBreak,
            CharsetDecoder decoder, CharsetEncoder encoder, Charset charset) throws NotRewritableException {
        StringBuilder text = new StringBuilder(decoded.length);
        if (!appendIfRoundTrips(decoded, 0, decoded.length, decoder, encoder, text)) {
            throw new NotRewritableException(RewriteStatus.CHARSET_DOES_NOT_ROUND_TRIP,
                    "body bytes do not decode and encode back to the same bytes in " + charset.name());
        }
        return new DecodedBody(decoded, text.toString(), new int[] {rawStarts[0], rawStarts[rawStarts.length - 1]},
                new int[] {0, decoded.length}, new int[] {0, text.length()}, endsInSoftBreak ? BitSet.valueOf(new long[] {1}) : new BitSet());
    }

    private static boolean appendIfRoundTrips(byte[] decoded, int from, int to, CharsetDecoder decoder,
            CharsetEncoder encoder, StringBuilder text) {
        if (from == to) {
            return true;
        }
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(decoded, from, to - from));
            ByteBuffer bytes = encoder.encode(chars.duplicate());
            if (bytes.remaining() != to - from
                    || !Arrays.equals(bytes.array(), bytes.position(), bytes.limit(), decoded, from, to)) {
                return false;
            }
            text.append(chars);
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] decodeQuotedPrintable(byte[] raw, int start, int end, IntList rawStarts,
            IntList decodedStarts, BitSet softBreakAfter) {
        OutputBuffer out = new OutputBuffer(end - start);
        int pos = start;
        while (pos < end) {
            rawStarts.add(pos);
            decodedStarts.add(out.size());
            int lineEnd = Bytes.indexOf(raw, (byte) '\n', pos, end);
            int next = lineEnd < 0 ? end : lineEnd + 1;
            int contentEnd = lineEnd < 0 ? end : lineEnd;
            int breakStart = contentEnd > pos && lineEnd >= 0 && raw[contentEnd - 1] == '\r' ? contentEnd - 1 : contentEnd;
            contentEnd = breakStart;
            while (contentEnd > pos && (raw[contentEnd - 1] == ' ' || raw[contentEnd - 1] == '\t')) {
                contentEnd--; // transport padding (RFC 2045 6.7 rule 3)
            }
            boolean soft = contentEnd > pos && raw[contentEnd - 1] == '=';
            if (soft) {
                contentEnd--;
                softBreakAfter.set(rawStarts.size() - 1);
            }
            for (int i = pos; i < contentEnd; i++) {
                byte b = raw[i];
                if (b == '=' && hex(raw, i + 1, contentEnd) >= 0 && hex(raw, i + 2, contentEnd) >= 0) {
                    out.write(hex(raw, i + 1, contentEnd) << 4 | hex(raw, i + 2, contentEnd));
                    i += 2;
                } else {
                    out.write(b); // a stray '=' is kept, as decoders commonly do
                }
            }
            if (!soft) {
                out.write(raw, breakStart, next - breakStart);
            }
            pos = next;
        }
        return out.toByteArray();
    }

    private static int hex(byte[] raw, int i, int limit) {
        if (i >= limit) {
            return -1;
        }
        int c = raw[i];
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    private static byte[] decodeBase64(byte[] raw, int start, int end) throws NotRewritableException {
        try {
            return Base64.getMimeDecoder().decode(Arrays.copyOfRange(raw, start, end));
        } catch (IllegalArgumentException e) {
            throw new NotRewritableException(RewriteStatus.MALFORMED_MIME, "invalid base64 body: " + e.getMessage());
        }
    }

    /** Encodes with {@code charset}, failing on unmappable characters instead of writing '?'. */
    static byte[] encode(CharSequence text, Charset charset) throws NotRewritableException {
        try {
            ByteBuffer buffer = charset.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            return Arrays.copyOfRange(buffer.array(), buffer.position(), buffer.limit());
        } catch (CharacterCodingException e) {
            throw new NotRewritableException(RewriteStatus.CHARSET_DOES_NOT_ROUND_TRIP,
                    "text cannot be encoded back in " + charset.name());
        }
    }

    /**
     * The same body without its text, for rendering: once the links are found and the splices prepared, only the
     * units' bytes are read again, and the text (as large as the part once more) can go. Asking it for text
     * positions fails.
     */
    DecodedBody withoutText() {
        return new DecodedBody(decoded, "", rawStarts, decodedStarts, new int[0], softBreakAfter);
    }

    String text() {
        return text;
    }

    byte[] decoded() {
        return decoded;
    }

    int unitCount() {
        return rawStarts.length - 1;
    }

    int rawStart(int unit) {
        return rawStarts[unit];
    }

    int decodedStart(int unit) {
        return decodedStarts[unit];
    }

    int textStart(int unit) {
        return textStarts[unit];
    }

    /** True when the unit's encoded line ends in a quoted-printable soft line break. */
    boolean softBreakAfter(int unit) {
        return softBreakAfter.get(unit);
    }

    /** The unit holding text position {@code pos}; a position at the very end belongs to the last unit. */
    int unitAt(int pos) {
        int low = 0;
        int high = unitCount() - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (textStarts[mid] <= pos) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    /** A growable int array, to avoid boxing millions of line offsets. */
    static final class IntList {
        private int[] values = new int[64];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int get(int index) {
            return values[index];
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
