package dev.smtpapi.rewrite;

/** Follows the length of the current output line while pieces are joined, remembering the longest. */
final class LineMeter {

    private int current;
    private int longest;

    void add(Piece piece) {
        if (!piece.hasLineBreak()) {
            current += piece.bytes().length;
            return;
        }
        longest = Math.max(longest, Math.max(current + piece.firstLine(), piece.longestInner()));
        current = piece.lastLine();
    }

    /** Adds octets that hold no line break (a URL, a pixel tag). */
    void add(int octets) {
        current += octets;
    }

    int longest() {
        return Math.max(longest, current);
    }
}
