package dev.smtpapi.rewrite;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A mail parsed once for tracking, rendered once per recipient with that recipient's click URLs and pixels.
 *
 * <p>{@link #parse} finds the first {@code text/html} and the first {@code text/plain} body part (never an
 * attachment, never inside an attached {@code message/rfc822}), decodes them, finds their links and prepares
 * the splices. {@link #render} then only joins prepared bytes with the recipient's URLs and encodes the lines
 * that changed. Everything outside the changed spans stays byte for byte as received: other parts, all headers,
 * and in the rewritten parts every line without a link.
 *
 * <p>Bad input never throws: a message that cannot be rewritten safely gets a {@link #status()} saying why,
 * and {@link #render} returns its bytes unchanged. Headers are not removed by {@code render}; to drop the
 * {@code X-MSYS-API} header from tracked copies, parse {@code withoutHeader(raw, "X-MSYS-API")}.
 *
 * <p>Instances are immutable and {@link #render} may be called from several threads at once.
 */
public final class TrackableMessage {

    /** Larger messages are not rewritten ({@link RewriteStatus#TOO_LARGE}). */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private static final String ASCII_PROBE = "\t\r\n !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            + "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    private final byte[] raw;
    private final RewriteStatus status;
    private final String statusDetail;
    private final List<TrackedLink> links;
    private final List<PartRewriter> parts;
    private final int unverifiableLinks;

    private TrackableMessage(byte[] raw, RewriteStatus status, String statusDetail, List<TrackedLink> links,
            List<PartRewriter> parts, int unverifiableLinks) {
        this.raw = raw;
        this.status = status;
        this.statusDetail = statusDetail;
        this.links = links;
        this.parts = parts;
        this.unverifiableLinks = unverifiableLinks;
    }

    /**
     * Parses raw RFC 5322 message bytes (CRLF or LF line ends, as received). Never throws for bad input: the
     * {@link #status()} of the result says whether the message can be rewritten.
     */
    public static TrackableMessage parse(byte[] rawMessage) {
        return parse(rawMessage, MimeLimits.DEFAULT);
    }

    /**
     * Parses raw message bytes as {@link #parse(byte[])} does, giving up with {@link RewriteStatus#OVER_LIMITS}
     * as soon as the message passes one of {@code limits}.
     */
    public static TrackableMessage parse(byte[] rawMessage, MimeLimits limits) {
        Objects.requireNonNull(rawMessage, "rawMessage");
        return adopt(rawMessage.clone(), limits);
    }

    /**
     * Parses raw message bytes as {@link #parse(byte[])} does, without copying them: the caller gives the array
     * up. The result reads its message, and every copy it renders is made, from {@code rawMessage} itself, so the
     * caller must never change the array afterwards (reading it, or handing it to readers that do not change it,
     * is fine). For a large message this saves the one copy {@code parse} makes.
     */
    public static TrackableMessage adopt(byte[] rawMessage) {
        return adopt(rawMessage, MimeLimits.DEFAULT);
    }

    /** {@link #adopt(byte[])} with {@code limits}, as {@link #parse(byte[], MimeLimits)}. */
    public static TrackableMessage adopt(byte[] rawMessage, MimeLimits limits) {
        Objects.requireNonNull(rawMessage, "rawMessage");
        Objects.requireNonNull(limits, "limits");
        byte[] raw = rawMessage;
        if (raw.length > MAX_MESSAGE_BYTES) {
            return unchanged(raw, RewriteStatus.TOO_LARGE,
                    raw.length + " bytes is more than the " + MAX_MESSAGE_BYTES + " bytes rewritten");
        }
        try {
            return prepare(raw, limits);
        } catch (NotRewritableException e) {
            return unchanged(raw, e.status(), e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return unchanged(raw, RewriteStatus.UNEXPECTED_INPUT, e.toString());
        }
    }

    private static TrackableMessage unchanged(byte[] raw, RewriteStatus status, String detail) {
        return new TrackableMessage(raw, status, detail, List.of(), List.of(), 0);
    }

    private static TrackableMessage prepare(byte[] raw, MimeLimits limits) throws NotRewritableException {
        MimeEntity root = MimeEntity.parse(raw, limits);
        BodyParts bodyParts = new BodyParts();
        bodyParts.collect(root);
        if (bodyParts.html == null && bodyParts.text == null) {
            throw new NotRewritableException(RewriteStatus.NO_BODY_PART,
                    "no text/html or text/plain body part outside attachments");
        }
        byte[] lineBreak = Bytes.lineBreakOf(raw);
        List<TrackedLink> links = new ArrayList<>();
        List<PartRewriter> parts = new ArrayList<>();
        int unverifiable = 0;
        for (MimeEntity entity : Arrays.asList(bodyParts.html, bodyParts.text)) {
            if (entity == null) {
                continue;
            }
            if (entity.bodyEnd() - entity.bodyStart() > limits.maxBodyPartBytes()) {
                throw new NotRewritableException(RewriteStatus.OVER_LIMITS, entity.mimeType() + " part of "
                        + (entity.bodyEnd() - entity.bodyStart()) + " bytes is larger than the "
                        + limits.maxBodyPartBytes() + " bytes rewritten");
            }
            TransferEncoding encoding = TransferEncoding.fromHeader(entity.transferEncoding()).orElseThrow(() ->
                    new NotRewritableException(RewriteStatus.UNSUPPORTED_TRANSFER_ENCODING,
                            entity.mimeType() + " part has Content-Transfer-Encoding " + entity.transferEncoding()));
            Charset charset = charsetOf(entity);
            DecodedBody body = DecodedBody.decode(raw, entity.bodyStart(), entity.bodyEnd(), encoding, charset);
            FoundLinks found = entity == bodyParts.html
                    ? HtmlLinkFinder.find(body.text(), links.size())
                    : TextLinkFinder.find(body.text(), links.size());
            links.addAll(found.links());
            unverifiable += found.unverifiable();
            parts.add(PartRewriter.prepare(raw, entity, encoding, charset, body, found.splices(), lineBreak));
        }
        parts.sort(Comparator.comparingInt(PartRewriter::regionStart));
        return new TrackableMessage(raw, RewriteStatus.REWRITABLE, "", List.copyOf(links), List.copyOf(parts),
                unverifiable);
    }

    /**
     * The part's charset. A missing or US-ASCII charset is read as ISO-8859-1: it maps every byte to itself, so
     * stray 8-bit bytes in a mislabelled part survive instead of blocking tracking.
     */
    private static Charset charsetOf(MimeEntity entity) throws NotRewritableException {
        String name = entity.contentType().parameter("charset").map(String::trim).orElse("us-ascii");
        Charset charset;
        try {
            charset = Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new NotRewritableException(RewriteStatus.UNSUPPORTED_CHARSET,
                    entity.mimeType() + " part has unknown charset \"" + name + "\"");
        }
        if (charset.equals(StandardCharsets.US_ASCII)) {
            return StandardCharsets.ISO_8859_1;
        }
        byte[] probe = ASCII_PROBE.getBytes(StandardCharsets.US_ASCII);
        if (!charset.canEncode() || !Arrays.equals(ASCII_PROBE.getBytes(charset), probe)
                || !new String(probe, charset).equals(ASCII_PROBE)) {
            throw new NotRewritableException(RewriteStatus.UNSUPPORTED_CHARSET,
                    entity.mimeType() + " part has charset " + name + ", which is not ASCII-compatible");
        }
        return charset;
    }

    /** Finds the first html and first plain-text body part, depth first, skipping attachments and messages. */
    private static final class BodyParts {
        private MimeEntity html;
        private MimeEntity text;

        void collect(MimeEntity entity) {
            if (entity.isMultipart()) {
                for (MimeEntity child : entity.children()) {
                    collect(child);
                }
                return;
            }
            if (entity.mimeType().startsWith("message/") || entity.isAttachment() || !hasBody(entity)) {
                return;
            }
            if (html == null && entity.mimeType().equals("text/html")) {
                html = entity;
            } else if (text == null && entity.mimeType().equals("text/plain")) {
                text = entity;
            }
        }

        /** Without the empty line after the header there is nowhere to put a body. */
        private static boolean hasBody(MimeEntity entity) {
            return entity.bodyStart() > entity.headers().fieldsEnd();
        }
    }

    /**
     * The message bytes for one recipient: links replaced by {@code urls.clickUrl(i)}, pixels inserted, the
     * {@code data-msys-*} attributes removed. Returns the input unchanged when {@link #status()} is not
     * {@link RewriteStatus#REWRITABLE}.
     *
     * @throws IllegalArgumentException if a URL given by {@code urls} is not printable ASCII
     */
    public byte[] render(RecipientUrls urls) {
        Objects.requireNonNull(urls, "urls");
        if (parts.isEmpty()) {
            return raw.clone();
        }
        RenderedPart[] rendered = new RenderedPart[parts.size()];
        int length = raw.length;
        for (int i = 0; i < rendered.length; i++) {
            PartRewriter part = parts.get(i);
            rendered[i] = part.render(raw, urls);
            length += rendered[i].length() - (part.regionEnd() - part.regionStart());
        }
        OutputBuffer out = new OutputBuffer(length);
        int pos = 0;
        for (int i = 0; i < rendered.length; i++) {
            out.write(raw, pos, parts.get(i).regionStart() - pos);
            rendered[i].writeTo(out);
            pos = parts.get(i).regionEnd();
        }
        out.write(raw, pos, raw.length - pos);
        return out.toByteArray();
    }

    /** {@link RewriteStatus#REWRITABLE}, or why the message is delivered unchanged. */
    public RewriteStatus status() {
        return status;
    }

    /** A sentence for the log saying what made the message not rewritable; empty when it is rewritable. */
    public String statusDetail() {
        return statusDetail;
    }

    /** The trackable links: HTML part links in document order, then text part links; index i is link i. */
    public List<TrackedLink> links() {
        return links;
    }

    /**
     * Links that looked trackable but whose place in the HTML source could not be confirmed; they are delivered
     * untracked. Normally zero; worth logging when not.
     */
    public int unverifiableLinkCount() {
        return unverifiableLinks;
    }

    /**
     * A copy of {@code rawMessage} without every top-level header field named {@code headerName}
     * (case-insensitive), folded lines included. All other bytes are unchanged.
     */
    public static byte[] withoutHeader(byte[] rawMessage, String headerName) {
        return withHeaders(rawMessage, new byte[0], headerName);
    }

    /**
     * One copy of {@code rawMessage} that starts with {@code prepended} (whole header lines, line endings
     * included) and lacks every top-level header field named one of {@code dropped} (case-insensitive, folded
     * lines included); all other bytes are unchanged. One pass over the header block, one array written.
     */
    public static byte[] withHeaders(byte[] rawMessage, byte[] prepended, String... dropped) {
        Objects.requireNonNull(rawMessage, "rawMessage");
        Objects.requireNonNull(prepended, "prepended");
        Set<String> wanted = new HashSet<>();
        for (String name : dropped) {
            wanted.add(name.trim().toLowerCase(Locale.ROOT));
        }
        List<HeaderBlock.Field> drop = new ArrayList<>();
        int length = prepended.length + rawMessage.length;
        for (HeaderBlock.Field field : HeaderBlock.parse(rawMessage, 0, rawMessage.length).fields()) {
            if (field.name() != null && wanted.contains(field.name().toLowerCase(Locale.ROOT))) {
                drop.add(field);
                length -= field.end() - field.start();
            }
        }
        OutputBuffer out = new OutputBuffer(length); // the exact size: toByteArray hands this array over
        out.write(prepended, 0, prepended.length);
        int pos = 0;
        for (HeaderBlock.Field field : drop) {
            out.write(rawMessage, pos, field.start() - pos);
            pos = field.end();
        }
        out.write(rawMessage, pos, rawMessage.length - pos);
        return out.toByteArray();
    }
}
