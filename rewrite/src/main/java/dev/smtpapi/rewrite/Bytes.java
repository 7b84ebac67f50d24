package dev.smtpapi.rewrite;

/** Byte-array searches the MIME scanner needs; plain loops, no copies. */
final class Bytes {

    private Bytes() {
    }

    static int indexOf(byte[] a, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    static boolean startsWith(byte[] a, int at, int limit, byte[] prefix) {
        if (limit - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (a[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The line break a message uses: CRLF when its first line ends with one, else a bare LF. */
    static byte[] lineBreakOf(byte[] raw) {
        int lf = indexOf(raw, (byte) '\n', 0, raw.length);
        return lf > 0 && raw[lf - 1] == '\r' ? new byte[] {'\r', '\n'} : new byte[] {'\n'};
    }
}
