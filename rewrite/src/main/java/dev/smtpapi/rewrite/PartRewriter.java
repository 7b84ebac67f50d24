package dev.smtpapi.rewrite;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One body part prepared once and written out per recipient.
 *
 * <p>The splices are grouped into <em>blocks</em>: runs of {@linkplain DecodedBody units} that hold at least one
 * splice. Everything outside the blocks is copied from the input bytes. The text between a block's splices is
 * encoded once, at parse time, in the part's charset and, for quoted-printable, in the transfer encoding too
 * (each piece starts a fresh encoded line). Per recipient only the replacements are encoded and joined with
 * those pieces, a soft line break after each replacement; so the work per recipient grows with the number of
 * links, not with the size of the part. Base64 is the exception: its lines cannot be re-joined, so the body
 * is encoded again as a whole.
 *
 * <p>When a 7bit or 8bit part would get a line longer than 998 octets, the part is written as quoted-printable
 * instead and its Content-Transfer-Encoding header says so; everything else in its header stays as it was.
 */
final class PartRewriter {

    static final int MAX_LINE_OCTETS = 998;
    private static final byte[] QP_HEADER =
            "Content-Transfer-Encoding: quoted-printable".getBytes(StandardCharsets.US_ASCII);

    /** A run of units {@code [firstUnit, endUnit)}: {@code literals[i]} comes before {@code splices[i]}. */
    private record Block(int firstUnit, int endUnit, Splice[] splices, Piece[] literals, Piece[] originals) {
    }

    private final MimeEntity entity;
    private final TransferEncoding encoding;
    private final DecodedBody body;
    private final byte[] lineBreak;
    private final List<Block> blocks;
    private final boolean alwaysQuotedPrintable;
    private final int regionStart;
    private final int headerResume;
    private final int estimatedBlockBytes;
    private final int[] gapStarts;
    private final int[] gapEnds;
    private final boolean rawEndsWithLineBreak;

    private PartRewriter(MimeEntity entity, TransferEncoding encoding, DecodedBody body, byte[] lineBreak,
            List<Block> blocks, boolean alwaysQuotedPrintable, boolean rawEndsWithLineBreak) {
        this.entity = entity;
        this.encoding = encoding;
        this.body = body.withoutText();
        this.lineBreak = lineBreak;
        this.blocks = blocks;
        this.alwaysQuotedPrintable = alwaysQuotedPrintable;
        Optional<HeaderBlock.Field> transferEncodingField = entity.headers().field("Content-Transfer-Encoding");
        this.regionStart = transferEncodingField.map(HeaderBlock.Field::start).orElse(entity.headers().fieldsEnd());
        this.headerResume = transferEncodingField.map(HeaderBlock.Field::end).orElse(entity.headers().fieldsEnd());
        int blockBytes = 0;
        this.gapStarts = new int[blocks.size() + 1];
        this.gapEnds = new int[blocks.size() + 1];
        int gapStart = regionStart;
        for (int i = 0; i < blocks.size(); i++) {
            Block block = blocks.get(i);
            gapStarts[i] = gapStart;
            gapEnds[i] = body.rawStart(block.firstUnit());
            gapStart = body.rawStart(block.endUnit());
            blockBytes += gapStart - gapEnds[i];
        }
        gapStarts[blocks.size()] = gapStart;
        gapEnds[blocks.size()] = entity.bodyEnd();
        this.estimatedBlockBytes = blockBytes + 64 * blocks.size() + 64;
        this.rawEndsWithLineBreak = rawEndsWithLineBreak;
    }

    static PartRewriter prepare(byte[] raw, MimeEntity entity, TransferEncoding encoding, Charset charset,
            DecodedBody body, List<Splice> found, byte[] lineBreak) throws NotRewritableException {
        List<Splice> splices = new ArrayList<>(found);
        splices.sort(Comparator.comparingInt(Splice::start).thenComparingInt(Splice::end));
        List<Block> blocks = new ArrayList<>();
        List<Splice> current = new ArrayList<>();
        int first = -1;
        int end = -1;
        int lastSpliceEnd = 0;
        for (Splice splice : splices) {
            if (splice.start() < lastSpliceEnd) {
                continue; // overlapping splices cannot come from well-formed finders; keep the first
            }
            lastSpliceEnd = splice.end();
            int startUnit = body.unitAt(splice.start());
            int endUnit = (splice.end() > splice.start() ? body.unitAt(splice.end() - 1) : startUnit) + 1;
            if (first >= 0 && startUnit < end) {
                end = Math.max(end, endUnit);
            } else {
                if (first >= 0) {
                    blocks.add(block(body, charset, encoding, lineBreak, first, end, current));
                }
                current.clear();
                first = startUnit;
                end = endUnit;
            }
            current.add(splice);
        }
        if (first >= 0) {
            blocks.add(block(body, charset, encoding, lineBreak, first, end, current));
        }
        boolean alwaysQuotedPrintable = encoding.isIdentity() && !blocks.isEmpty()
                && hasLongLine(raw, entity.bodyStart(), entity.bodyEnd());
        boolean endsWithLineBreak = entity.bodyEnd() > entity.bodyStart() && raw[entity.bodyEnd() - 1] == '\n';
        return new PartRewriter(entity, encoding, body, lineBreak, List.copyOf(blocks), alwaysQuotedPrintable,
                endsWithLineBreak);
    }

    private static Block block(DecodedBody body, Charset charset, TransferEncoding encoding, byte[] lineBreak,
            int first, int end, List<Splice> splices) throws NotRewritableException {
        String text = body.text();
        byte[][] literals = new byte[splices.size() + 1][];
        byte[][] originals = new byte[splices.size()][];
        int pos = body.textStart(first);
        for (int i = 0; i < splices.size(); i++) {
            Splice splice = splices.get(i);
            literals[i] = DecodedBody.encode(text.subSequence(pos, splice.start()), charset);
            originals[i] = DecodedBody.encode(text.subSequence(splice.start(), splice.end()), charset);
            pos = splice.end();
        }
        literals[splices.size()] = DecodedBody.encode(text.subSequence(pos, body.textStart(end)), charset);
        // Encoding the pieces one by one must give the part's own bytes, or splicing could change a character
        // (a stateful charset such as ISO-2022-JP in a non-ASCII run).
        byte[] decoded = body.decoded();
        int at = body.decodedStart(first);
        for (int i = 0; i < literals.length; i++) {
            at = expect(decoded, at, literals[i], charset);
            if (i < originals.length) {
                at = expect(decoded, at, originals[i], charset);
            }
        }
        if (at != body.decodedStart(end)) {
            throw notRoundTripping(charset);
        }
        Piece[] literalPieces = new Piece[literals.length];
        for (int i = 0; i < literals.length; i++) {
            QuotedPrintable.Ending ending = i < literals.length - 1 ? QuotedPrintable.Ending.OPEN
                    : body.softBreakAfter(end - 1) ? QuotedPrintable.Ending.SOFT_BREAK : QuotedPrintable.Ending.LINE_END;
            literalPieces[i] = Piece.of(literals[i], encoding == TransferEncoding.QUOTED_PRINTABLE, lineBreak, ending);
        }
        Piece[] originalPieces = new Piece[originals.length];
        for (int i = 0; i < originals.length; i++) {
            originalPieces[i] = Piece.of(originals[i], false, lineBreak, QuotedPrintable.Ending.OPEN);
        }
        return new Block(first, end, splices.toArray(new Splice[0]), literalPieces, originalPieces);
    }

    private static int expect(byte[] decoded, int at, byte[] piece, Charset charset) throws NotRewritableException {
        if (!Bytes.startsWith(decoded, at, decoded.length, piece)) {
            throw notRoundTripping(charset);
        }
        return at + piece.length;
    }

    private static NotRewritableException notRoundTripping(Charset charset) {
        return new NotRewritableException(RewriteStatus.CHARSET_DOES_NOT_ROUND_TRIP,
                "text split at a link does not encode back to the same bytes in " + charset.name());
    }

    private static boolean hasLongLine(byte[] bytes, int from, int to) {
        int lineStart = from;
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                if (lineLength(bytes, lineStart, i) > MAX_LINE_OCTETS) {
                    return true;
                }
                lineStart = i + 1;
            }
        }
        return lineLength(bytes, lineStart, to) > MAX_LINE_OCTETS;
    }

    static int lineLength(byte[] bytes, int start, int lfOrEnd) {
        int end = lfOrEnd;
        if (end > start && bytes[end - 1] == '\r') {
            end--;
        }
        return end - start;
    }

    /** Where this part's output starts in the message: its Content-Transfer-Encoding field, or the header end. */
    int regionStart() {
        return regionStart;
    }

    /** Where the message continues after this part. */
    int regionEnd() {
        return entity.bodyEnd();
    }

    /** This recipient's bytes for {@code [regionStart(), regionEnd())}, kept apart until the message is joined. */
    RenderedPart render(byte[] raw, RecipientUrls urls) {
        OutputBuffer scratch = new OutputBuffer(256);
        if (!alwaysQuotedPrintable) {
            OutputBuffer blocksOut = new OutputBuffer(estimatedBlockBytes);
            int[] blockEnds = new int[blocks.size()];
            if (writeBlocks(raw, urls, blocksOut, blockEnds, scratch)) {
                return RenderedPart.spliced(raw, gapStarts, gapEnds, blocksOut, blockEnds);
            }
        }
        OutputBuffer whole = new OutputBuffer(body.decoded().length * 11 / 10 + 1024);
        writeAsQuotedPrintable(raw, urls, whole, scratch);
        return RenderedPart.whole(whole);
    }

    /** Encodes every block for this recipient; false when a 7bit/8bit line would be too long. */
    private boolean writeBlocks(byte[] raw, RecipientUrls urls, OutputBuffer out, int[] blockEnds,
            OutputBuffer scratch) {
        for (int i = 0; i < blocks.size(); i++) {
            Block block = blocks.get(i);
            int mark = out.size();
            boolean changed;
            if (encoding == TransferEncoding.QUOTED_PRINTABLE) {
                changed = writeQuotedPrintable(block, urls, out, scratch);
            } else if (encoding == TransferEncoding.BASE64) {
                changed = writeBase64(block, urls, out, scratch);
            } else {
                LineMeter meter = new LineMeter();
                changed = writeIdentity(block, urls, out, meter);
                if (meter.longest() > MAX_LINE_OCTETS) {
                    return false;
                }
            }
            if (!changed) {
                out.truncate(mark);
                int from = body.rawStart(block.firstUnit());
                out.write(raw, from, body.rawStart(block.endUnit()) - from);
            }
            blockEnds[i] = out.size();
        }
        return true;
    }

    private boolean writeQuotedPrintable(Block block, RecipientUrls urls, OutputBuffer out, OutputBuffer scratch) {
        boolean changed = false;
        Splice[] splices = block.splices();
        Piece[] literals = block.literals();
        out.write(literals[0].quotedPrintable());
        int column = literals[0].endColumn();
        for (int i = 0; i < splices.length; i++) {
            scratch.truncate(0);
            if (splices[i].writeReplacement(urls, scratch)) {
                changed = true;
            } else {
                scratch.write(block.originals()[i].bytes());
            }
            column = QuotedPrintable.encode(scratch.array(), 0, scratch.size(), lineBreak, column,
                    QuotedPrintable.Ending.OPEN, out);
            Piece next = literals[i + 1];
            if (next.bytes().length > 0) {
                // The next piece was encoded from the start of a line: it goes on this line if its first line
                // still fits, else a soft break takes us to the start of the next.
                if (!next.fitsAt(column)) {
                    column = softBreakIfInLine(column, out);
                }
                out.write(next.quotedPrintable());
                column = next.encodedHasLineBreak() ? next.endColumn() : column + next.endColumn();
            } else if (i + 1 == splices.length && next.ending() == QuotedPrintable.Ending.SOFT_BREAK) {
                column = softBreakIfInLine(column, out);
            }
        }
        return changed;
    }

    private int softBreakIfInLine(int column, OutputBuffer out) {
        if (column > 0) {
            out.write('=');
            out.write(lineBreak);
        }
        return 0;
    }

    private static boolean writeIdentity(Block block, RecipientUrls urls, OutputBuffer out, LineMeter meter) {
        boolean changed = false;
        Splice[] splices = block.splices();
        Piece[] literals = block.literals();
        out.write(literals[0].bytes());
        meter.add(literals[0]);
        for (int i = 0; i < splices.length; i++) {
            int before = out.size();
            if (splices[i].writeReplacement(urls, out)) {
                changed = true;
                meter.add(out.size() - before);
            } else {
                out.write(block.originals()[i].bytes());
                meter.add(block.originals()[i]);
            }
            out.write(literals[i + 1].bytes());
            meter.add(literals[i + 1]);
        }
        return changed;
    }

    /** Base64 lines cannot be re-joined: the block (the whole body) is assembled and encoded again. */
    private boolean writeBase64(Block block, RecipientUrls urls, OutputBuffer out, OutputBuffer scratch) {
        scratch.truncate(0);
        boolean changed = assemble(block, urls, scratch);
        if (changed) {
            ByteBuffer encoded = Base64.getMimeEncoder(QuotedPrintable.MAX_LINE, lineBreak)
                    .encode(ByteBuffer.wrap(scratch.array(), 0, scratch.size()));
            out.write(encoded.array(), encoded.arrayOffset() + encoded.position(), encoded.remaining());
            if (rawEndsWithLineBreak) {
                out.write(lineBreak);
            }
        }
        return changed;
    }

    private void writeAsQuotedPrintable(byte[] raw, RecipientUrls urls, OutputBuffer out, OutputBuffer scratch) {
        out.write(QP_HEADER);
        out.write(lineBreak);
        out.write(raw, headerResume, entity.bodyStart() - headerResume);
        OutputBuffer decoded = new OutputBuffer(body.decoded().length + 1024);
        int unit = 0;
        for (Block block : blocks) {
            int from = body.decodedStart(unit);
            decoded.write(body.decoded(), from, body.decodedStart(block.firstUnit()) - from);
            scratch.truncate(0);
            assemble(block, urls, scratch);
            decoded.write(scratch.array(), 0, scratch.size());
            unit = block.endUnit();
        }
        int from = body.decodedStart(unit);
        decoded.write(body.decoded(), from, body.decoded().length - from);
        QuotedPrintable.encode(decoded.array(), 0, decoded.size(), lineBreak, out);
    }

    /** Writes the block's decoded bytes for this recipient; false when nothing differs from the input. */
    private static boolean assemble(Block block, RecipientUrls urls, OutputBuffer scratch) {
        boolean changed = false;
        Splice[] splices = block.splices();
        for (int i = 0; i < splices.length; i++) {
            scratch.write(block.literals()[i].bytes());
            if (splices[i].writeReplacement(urls, scratch)) {
                changed = true;
            } else {
                scratch.write(block.originals()[i].bytes());
            }
        }
        scratch.write(block.literals()[splices.length].bytes());
        return changed;
    }
}
