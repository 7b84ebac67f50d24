package dev.smtpapi.rewrite;

/**
 * How much MIME structure the parser accepts before it gives a message up as not rewritable
 * ({@link RewriteStatus#OVER_LIMITS}). Each limit is checked while the bytes are scanned, before anything is
 * built for what lies beyond it, so a hostile message costs at most these amounts of work and memory.
 *
 * @param maxParts       MIME body parts counted over the whole message, nested ones included
 * @param maxNesting     multiparts inside multiparts; the message itself is level 0
 * @param maxHeaderBytes bytes of header fields, summed over the message's and every part's header block
 * @param maxBodyPartBytes encoded bytes of the text/html or text/plain part to rewrite: decoding, parsing and
 *                       finding the links of a part takes about 15 times its size in heap (BENCHMARKS.md)
 */
public record MimeLimits(int maxParts, int maxNesting, int maxHeaderBytes, int maxBodyPartBytes) {

    /**
     * 1,000 parts, 100 levels of nesting, 1 MiB of header, 16 MiB for the part to rewrite: far above what real
     * mail has, and low enough that one mail never needs more than about a quarter of a 1 GiB heap.
     */
    public static final MimeLimits DEFAULT = new MimeLimits(1000, 100, 1024 * 1024, 16 * 1024 * 1024);

    public MimeLimits {
        if (maxParts < 1 || maxNesting < 0 || maxHeaderBytes < 1 || maxBodyPartBytes < 1) {
            throw new IllegalArgumentException("limits must be positive, were " + maxParts + " parts, "
                    + maxNesting + " nesting levels, " + maxHeaderBytes + " header bytes, " + maxBodyPartBytes
                    + " body part bytes");
        }
    }
}
