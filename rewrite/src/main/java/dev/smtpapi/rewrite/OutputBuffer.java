package dev.smtpapi.rewrite;

import java.util.Arrays;

/** A growable byte array that can be cut back, used to assemble one recipient's message. Not thread-safe. */
final class OutputBuffer {

    private byte[] buf;
    private int size;

    OutputBuffer(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    void write(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, buf, size, len);
        size += len;
    }

    void write(byte[] src) {
        write(src, 0, src.length);
    }

    void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    /** Writes an ASCII string; the caller has checked it is ASCII. */
    @SuppressWarnings("deprecation")
    void writeAscii(String s) {
        int len = s.length();
        ensure(len);
        s.getBytes(0, len, buf, size); // the deprecated ASCII copy is exactly what is wanted here, and fast
        size += len;
    }

    int size() {
        return size;
    }

    byte[] array() {
        return buf;
    }

    /**
     * Makes room for {@code extra} more bytes and returns the backing array, for a caller that writes from
     * {@link #size()} on and then sets the new size with {@link #truncate}.
     */
    byte[] reserve(int extra) {
        ensure(extra);
        return buf;
    }

    /** Sets the size: cuts back, or after {@link #reserve}, takes in what the caller wrote. */
    void truncate(int newSize) {
        size = newSize;
    }

    byte[] toByteArray() {
        return buf.length == size ? buf : Arrays.copyOf(buf, size);
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }
}
