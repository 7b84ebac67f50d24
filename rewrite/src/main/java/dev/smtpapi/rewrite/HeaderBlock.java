package dev.smtpapi.rewrite;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The header fields at the start of a message or body part, with the byte range of each field (all its folded
 * lines and their line breaks) so a field can be dropped or replaced without touching anything else.
 *
 * <p>The block ends at the first empty line; a block without one runs to the end of the entity and the body is
 * empty. Lines that are neither fields nor continuations are kept in the ranges but have no name.
 */
final class HeaderBlock {

    /** One header field; {@code value} is unfolded and read as ISO-8859-1 (headers are ASCII). */
    record Field(String name, int start, int end, String value) {
    }

    private final List<Field> fields;
    private final int fieldsEnd;
    private final int bodyStart;

    private HeaderBlock(List<Field> fields, int fieldsEnd, int bodyStart) {
        this.fields = fields;
        this.fieldsEnd = fieldsEnd;
        this.bodyStart = bodyStart;
    }

    /** The header block at {@code start}, however long. */
    static HeaderBlock parse(byte[] raw, int start, int end) {
        return parseWithin(raw, start, end, Integer.MAX_VALUE).orElseThrow();
    }

    /**
     * The header block at {@code start}, or empty as soon as the scan passes {@code maxBytes} bytes (its empty
     * line included) without having reached the end of the block: nothing is kept of a longer one.
     */
    static Optional<HeaderBlock> parseWithin(byte[] raw, int start, int end, int maxBytes) {
        List<Field> fields = new ArrayList<>();
        String name = null;
        int fieldStart = -1;
        StringBuilder value = new StringBuilder();
        int pos = start;
        int fieldsEnd = end;
        int bodyStart = end;
        while (pos < end) {
            int lineEnd = Bytes.indexOf(raw, (byte) '\n', pos, end);
            int next = lineEnd < 0 ? end : lineEnd + 1;
            int contentEnd = lineEnd < 0 ? end : lineEnd;
            if (next - start > maxBytes) {
                return Optional.empty();
            }
            if (contentEnd > pos && raw[contentEnd - 1] == '\r') {
                contentEnd--;
            }
            if (contentEnd == pos) {
                fieldsEnd = pos;
                bodyStart = next;
                break;
            }
            if ((raw[pos] == ' ' || raw[pos] == '\t') && fieldStart >= 0) {
                value.append(latin1(raw, pos, contentEnd));
            } else {
                if (fieldStart >= 0) {
                    fields.add(new Field(name, fieldStart, pos, value.toString()));
                }
                fieldStart = pos;
                value.setLength(0);
                int colon = Bytes.indexOf(raw, (byte) ':', pos, contentEnd);
                if (colon < 0) {
                    name = null;
                    value.append(latin1(raw, pos, contentEnd));
                } else {
                    name = latin1(raw, pos, colon).trim();
                    value.append(latin1(raw, colon + 1, contentEnd));
                }
            }
            pos = next;
        }
        if (fieldStart >= 0) {
            fields.add(new Field(name, fieldStart, fieldsEnd, value.toString()));
        }
        return Optional.of(new HeaderBlock(List.copyOf(fields), fieldsEnd, bodyStart));
    }

    private static String latin1(byte[] raw, int from, int to) {
        return new String(raw, from, to - from, StandardCharsets.ISO_8859_1);
    }

    List<Field> fields() {
        return fields;
    }

    /** The first field named {@code name} (case-insensitive). */
    Optional<Field> field(String name) {
        for (Field field : fields) {
            if (name.equalsIgnoreCase(field.name())) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }

    /** Offset just after the last field: where a new field can be inserted (the empty line starts here). */
    int fieldsEnd() {
        return fieldsEnd;
    }

    /** Offset of the first body byte, after the empty line. */
    int bodyStart() {
        return bodyStart;
    }
}
