package dev.smtpapi.tracker.event;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Reads the records of one segment from an offset, through a buffer: {@code magic, length, position, CRC-32C
 * of position and payload, payload}. A record that does not check out is skipped up to the next one that does,
 * and the skipped bytes are reported with the record after them; what cannot be read up to the limit is left
 * for {@link #tornTailFrom()}.
 */
final class RecordReader {
    private static final int CHUNK = 256 * 1024;

    private final FileChannel channel;
    private long offset;
    private long limit;
    private long tornTailFrom = -1;
    private ByteBuffer chunk = ByteBuffer.allocate(0);
    private long chunkStart;

    RecordReader(FileChannel channel, long offset, long limit) {
        this.channel = channel;
        this.offset = offset;
        this.limit = limit;
    }

    /** A record read: its position and payload, after {@code damagedBytes} unreadable bytes from {@code damagedFrom}. */
    record Record(long position, byte[] payload, long damagedFrom, long damagedBytes) {
    }

    /** The offset after the last record read. */
    long offset() {
        return offset;
    }

    /** Where unreadable bytes that run up to the limit start, or -1 when the last read ended cleanly. */
    long tornTailFrom() {
        return tornTailFrom;
    }

    /** Reads on up to a new limit (the segment has grown). */
    void extendTo(long newLimit) {
        this.limit = Math.max(limit, newLimit);
    }

    /** The next whole record before the limit, or null (then see {@link #tornTailFrom()}). */
    Record next() throws IOException {
        tornTailFrom = -1;
        long damagedFrom = -1;
        long at = offset;
        while (at + EventLog.HEADER_BYTES <= limit) {
            Record record = recordAt(at);
            if (record != null) {
                offset = at + EventLog.HEADER_BYTES + record.payload().length;
                return damagedFrom < 0 ? record
                        : new Record(record.position(), record.payload(), damagedFrom, at - damagedFrom);
            }
            if (damagedFrom < 0) {
                damagedFrom = at;
            }
            at++;
        }
        if (damagedFrom >= 0 || offset < limit) {
            tornTailFrom = damagedFrom >= 0 ? damagedFrom : offset;
        }
        return null;
    }

    /** Skips what is left up to the limit (after it was reported). */
    void skipToLimit() {
        offset = limit;
        tornTailFrom = -1;
    }

    private Record recordAt(long at) throws IOException {
        ByteBuffer header = bytes(at, EventLog.HEADER_BYTES);
        if (header == null || header.getInt(0) != EventLog.MAGIC) {
            return null;
        }
        int length = header.getInt(4);
        long position = header.getLong(8);
        int crc = header.getInt(16);
        if (length < 0 || length > EventLog.MAX_RECORD_BYTES || at + EventLog.HEADER_BYTES + length > limit
                || position <= 0) {
            return null;
        }
        ByteBuffer payload = bytes(at + EventLog.HEADER_BYTES, length);
        if (payload == null) {
            return null;
        }
        byte[] data = new byte[length];
        payload.get(data);
        CRC32C check = new CRC32C();
        check.update(ByteBuffer.allocate(8).putLong(0, position));
        check.update(data);
        return (int) check.getValue() == crc ? new Record(position, data, -1, 0) : null;
    }

    /**
     * {@code length} bytes at {@code at} (before the limit), or null when the file ends first. The buffer never
     * holds bytes past the limit: they may be a record still being written (read once it is whole).
     */
    private ByteBuffer bytes(long at, int length) throws IOException {
        if (at < chunkStart || at + length > chunkStart + chunk.limit()) {
            ByteBuffer fresh = ByteBuffer.allocate((int) Math.max(length, Math.min(CHUNK, limit - at)));
            int read = 0;
            while (fresh.hasRemaining()) {
                int n = channel.read(fresh, at + read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            fresh.flip();
            chunk = fresh;
            chunkStart = at;
            if (length > chunk.limit()) {
                return null;
            }
        }
        return chunk.slice((int) (at - chunkStart), length);
    }
}
