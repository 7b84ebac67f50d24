package dev.smtpapi.tracker.event;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The bytes of a chunk cell: the chunk's spool lines joined by line feeds, compressed with DEFLATE (the
 * fastest level) after one marker byte. Events of one chunk repeat their field names, campaign, user agents
 * and links, so a cell is several times smaller, and Cassandra's work (the native protocol, its commit log,
 * memtables, flushes and compactions) is in proportion to the bytes it is given. A cell that starts with
 * {@code '{'} is the lines as they are (readable, never written so now). Pure: bytes in, bytes out.
 */
final class ChunkCodec {
    static final byte DEFLATED = 1;

    private ChunkCodec() {
    }

    static ByteBuffer encode(byte[] lines) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        try {
            deflater.setInput(lines);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(lines.length / 4 + 64);
            out.write(DEFLATED);
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return ByteBuffer.wrap(out.toByteArray());
        } finally {
            deflater.end();
        }
    }

    /** The lines of a cell; a cell that does not decode gives no bytes (its events cannot be read). */
    static byte[] decode(ByteBuffer cell) {
        byte[] bytes = new byte[cell.remaining()];
        cell.duplicate().get(bytes);
        if (bytes.length == 0 || bytes[0] != DEFLATED) {
            return bytes;
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(bytes, 1, bytes.length - 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length * 6);
            byte[] buffer = new byte[16384];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return new byte[0];
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            return new byte[0];
        } finally {
            inflater.end();
        }
    }
}
