package dev.smtpapi.rewrite;

/**
 * One recipient's bytes for a part's region, kept apart until every part is rendered so the message can be
 * written into an array of exactly the right size: either the input's bytes between the blocks interleaved
 * with the blocks' new bytes, or the whole region written anew.
 */
final class RenderedPart {

    private final byte[] raw;
    private final int[] gapStarts;
    private final int[] gapEnds;
    private final OutputBuffer blocks;
    private final int[] blockEnds;
    private final int length;

    private RenderedPart(byte[] raw, int[] gapStarts, int[] gapEnds, OutputBuffer blocks, int[] blockEnds) {
        this.raw = raw;
        this.gapStarts = gapStarts;
        this.gapEnds = gapEnds;
        this.blocks = blocks;
        this.blockEnds = blockEnds;
        int total = blocks.size();
        for (int i = 0; i < gapStarts.length; i++) {
            total += gapEnds[i] - gapStarts[i];
        }
        this.length = total;
    }

    /** Input bytes {@code [gapStarts[i], gapEnds[i])}, then block {@code i}, for each i; one more gap ends it. */
    static RenderedPart spliced(byte[] raw, int[] gapStarts, int[] gapEnds, OutputBuffer blocks, int[] blockEnds) {
        return new RenderedPart(raw, gapStarts, gapEnds, blocks, blockEnds);
    }

    /** The region written anew. */
    static RenderedPart whole(OutputBuffer region) {
        return new RenderedPart(new byte[0], new int[0], new int[0], region, new int[] {region.size()});
    }

    int length() {
        return length;
    }

    void writeTo(OutputBuffer out) {
        int blockStart = 0;
        for (int i = 0; i < blockEnds.length; i++) {
            if (i < gapStarts.length) {
                out.write(raw, gapStarts[i], gapEnds[i] - gapStarts[i]);
            }
            out.write(blocks.array(), blockStart, blockEnds[i] - blockStart);
            blockStart = blockEnds[i];
        }
        if (gapStarts.length > blockEnds.length) {
            int last = gapStarts.length - 1;
            out.write(raw, gapStarts[last], gapEnds[last] - gapStarts[last]);
        }
    }
}
