package dev.smtpapi.rewrite;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One MIME entity (the message or a body part) located in the raw message bytes: its header fields, the byte
 * range of its body and, for a multipart, its children. Made by scanning for boundaries; nothing is decoded
 * or copied, so every byte keeps its place and untouched parts can be written back as they were.
 *
 * <p>A {@code message/*} part is not looked into: links of an attached message are never tracked.
 *
 * <p>The scan stops as soon as the message passes one of its {@link MimeLimits}: the part that would be one too
 * many, the level one too deep, the header byte one too far is where it gives up, so nothing is built for a
 * message of millions of parts or an endless header.
 */
final class MimeEntity {

    private final HeaderBlock headers;
    private final HeaderValue contentType;
    private final int bodyEnd;
    private final List<MimeEntity> children;

    private MimeEntity(HeaderBlock headers, HeaderValue contentType, int bodyEnd, List<MimeEntity> children) {
        this.headers = headers;
        this.contentType = contentType;
        this.bodyEnd = bodyEnd;
        this.children = children;
    }

    /** Parses the whole message, within {@code limits}. */
    static MimeEntity parse(byte[] raw, MimeLimits limits) throws NotRewritableException {
        return new Scan(raw, limits).entity(0, raw.length, "text/plain", 0);
    }

    /** One scan of one message: what it has spent of its limits so far. */
    private static final class Scan {
        private final byte[] raw;
        private final MimeLimits limits;
        private int parts;
        private int headerBytes;

        Scan(byte[] raw, MimeLimits limits) {
            this.raw = raw;
            this.limits = limits;
        }

        MimeEntity entity(int start, int end, String defaultType, int depth) throws NotRewritableException {
            if (depth > limits.maxNesting()) {
                throw new NotRewritableException(RewriteStatus.OVER_LIMITS,
                        "multiparts nested deeper than " + limits.maxNesting() + " levels");
            }
            HeaderBlock headers = HeaderBlock.parseWithin(raw, start, end, limits.maxHeaderBytes() - headerBytes)
                    .orElseThrow(() -> new NotRewritableException(RewriteStatus.OVER_LIMITS, "more than "
                            + limits.maxHeaderBytes() + " bytes of header fields (reached in the header at byte "
                            + start + ")"));
            headerBytes += headers.bodyStart() - start;
            HeaderValue contentType = HeaderValue.parse(
                    headers.field("Content-Type").map(HeaderBlock.Field::value).orElse(defaultType));
            if (!contentType.value().contains("/")) {
                // RFC 2045 5.2: an unparseable Content-Type means text/plain.
                contentType = HeaderValue.parse("text/plain");
            }
            List<MimeEntity> children = List.of();
            if (contentType.value().startsWith("multipart/")) {
                String boundary = contentType.parameter("boundary").orElse("");
                if (boundary.isEmpty()) {
                    throw new NotRewritableException(RewriteStatus.MALFORMED_MIME,
                            contentType.value() + " at byte " + start + " has no boundary parameter");
                }
                String childType = contentType.value().equals("multipart/digest") ? "message/rfc822" : "text/plain";
                children = children(headers.bodyStart(), end, boundary, childType, depth);
            }
            return new MimeEntity(headers, contentType, end, children);
        }

        private List<MimeEntity> children(int bodyStart, int end, String boundary, String childType, int depth)
                throws NotRewritableException {
            byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
            List<int[]> ranges = new ArrayList<>();
            int partStart = -1;
            boolean closed = false;
            int pos = bodyStart;
            while (pos < end) {
                int lineEnd = Bytes.indexOf(raw, (byte) '\n', pos, end);
                int next = lineEnd < 0 ? end : lineEnd + 1;
                int contentEnd = lineEnd < 0 ? end : lineEnd;
                if (Bytes.startsWith(raw, pos, contentEnd, delimiter)) {
                    int after = pos + delimiter.length;
                    boolean close = after + 2 <= contentEnd && raw[after] == '-' && raw[after + 1] == '-';
                    if (close) {
                        after += 2;
                    }
                    if (onlyWhitespace(raw, after, contentEnd)) {
                        if (partStart >= 0) {
                            ranges.add(new int[] {partStart, Math.max(partStart, lineBreakStart(raw, bodyStart, pos))});
                        }
                        if (close) {
                            closed = true;
                            break;
                        }
                        countPart(pos);
                        partStart = next;
                    }
                }
                pos = next;
            }
            if (partStart < 0) {
                throw new NotRewritableException(RewriteStatus.MALFORMED_MIME,
                        "boundary \"" + boundary + "\" never appears in its multipart body");
            }
            if (!closed) {
                throw new NotRewritableException(RewriteStatus.MALFORMED_MIME,
                        "closing boundary \"--" + boundary + "--\" is missing");
            }
            List<MimeEntity> children = new ArrayList<>(ranges.size());
            for (int[] range : ranges) {
                children.add(entity(range[0], range[1], childType, depth + 1));
            }
            return List.copyOf(children);
        }

        /** Counted when its delimiter is found, before anything is kept for it. */
        private void countPart(int at) throws NotRewritableException {
            if (++parts > limits.maxParts()) {
                throw new NotRewritableException(RewriteStatus.OVER_LIMITS,
                        "more than " + limits.maxParts() + " MIME parts (part " + parts + " starts at byte " + at + ")");
            }
        }
    }

    /** The line break before a delimiter line belongs to the delimiter (RFC 2046 5.1.1). */
    private static int lineBreakStart(byte[] raw, int floor, int delimiterStart) {
        int end = delimiterStart;
        if (end > floor && raw[end - 1] == '\n') {
            end--;
            if (end > floor && raw[end - 1] == '\r') {
                end--;
            }
        }
        return end;
    }

    private static boolean onlyWhitespace(byte[] raw, int from, int to) {
        for (int i = from; i < to; i++) {
            if (raw[i] != ' ' && raw[i] != '\t' && raw[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    HeaderBlock headers() {
        return headers;
    }

    /** The lower-cased MIME type, {@code text/html}. */
    String mimeType() {
        return contentType.value();
    }

    HeaderValue contentType() {
        return contentType;
    }

    int bodyStart() {
        return headers.bodyStart();
    }

    int bodyEnd() {
        return bodyEnd;
    }

    List<MimeEntity> children() {
        return children;
    }

    boolean isMultipart() {
        return mimeType().startsWith("multipart/");
    }

    /** Content-Disposition attachment, or a file name on the disposition or the type. */
    boolean isAttachment() {
        if (contentType.hasParameterNamed("name")) {
            return true;
        }
        Optional<HeaderValue> disposition = headers.field("Content-Disposition")
                .map(field -> HeaderValue.parse(field.value()));
        return disposition.isPresent()
                && (disposition.get().value().equals("attachment") || disposition.get().hasParameterNamed("filename"));
    }

    /** The Content-Transfer-Encoding, lower-cased; {@code 7bit} when absent. */
    String transferEncoding() {
        return headers.field("Content-Transfer-Encoding")
                .map(field -> HeaderValue.parse(field.value()).value())
                .filter(value -> !value.isEmpty())
                .orElse("7bit");
    }
}
