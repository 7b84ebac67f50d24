package dev.smtpapi.tracker.event;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A consumer's committed position in its own small file: two 16-byte slots, written alternately (position and a
 * check value), so a crash in mid-write leaves the other slot, the previous position, readable.
 *
 * <p>Every {@link #set} is written at once (a killed tracker loses none: the kernel holds the write), but
 * fsynced at most once per {@value #FORCE_INTERVAL_MILLIS} ms and at {@link #close}: after a machine crash a
 * consumer may take up to that much of the log again, which every consumer tolerates (the Cassandra writer
 * rewrites the same rows; the webhook dispatcher skips what it has already queued). An fsync per commit cost the
 * click path dearly: on one disk, every fsync (the log's, Cassandra's, the positions') waits for the others.
 *
 * <p>The file is a {@link RandomAccessFile}, not a {@code FileChannel}: a channel is closed for good when the
 * thread using it is interrupted, and consumers are interrupted when they stop (a stop that landed in a commit
 * closed the position file, and the commit and every later one failed until a restart).
 */
final class ConsumerPosition {
    private static final long CHECK = 0x5EC0DE5EC0DE5EC0L;
    static final long FORCE_INTERVAL_MILLIS = 1000;

    private final Path file;
    private final RandomAccessFile data;
    private volatile long position;
    private int slot;
    private long lastForceNanos = System.nanoTime();
    private boolean unforced;

    private ConsumerPosition(Path file, RandomAccessFile data, long position, int slot) {
        this.file = file;
        this.data = data;
        this.position = position;
        this.slot = slot;
    }

    /** Opens the position file, creating it at {@code initial} when missing. */
    static ConsumerPosition create(Path file, long initial) throws IOException {
        Files.createDirectories(file.getParent());
        boolean existed = Files.exists(file);
        RandomAccessFile data = new RandomAccessFile(file.toFile(), "rw");
        byte[] slots = new byte[32];
        int read = 0;
        int n;
        while (read < slots.length && (n = data.read(slots, read, slots.length - read)) > 0) {
            read += n; // reads up to both slots
        }
        ByteBuffer both = ByteBuffer.wrap(slots);
        long best = -1;
        int bestSlot = 0;
        for (int i = 0; i < 2; i++) {
            long value = both.getLong(i * 16);
            if ((value ^ CHECK) == both.getLong(i * 16 + 8) && value > best) {
                best = value;
                bestSlot = i;
            }
        }
        ConsumerPosition position = new ConsumerPosition(file, data, Math.max(best, 0), bestSlot);
        if (!existed || best < 0) {
            position.set(existed ? 0 : initial);
            position.force();
            EventLog.syncDirectory(file.getParent());
        }
        return position;
    }

    long get() {
        return position;
    }

    /**
     * Makes {@code value} the committed position: written when this returns (it survives the tracker's death),
     * fsynced within {@value #FORCE_INTERVAL_MILLIS} ms (it survives the machine's). Never moves back.
     */
    synchronized void set(long value) {
        if (value < position) {
            return;
        }
        slot = 1 - slot;
        byte[] record = ByteBuffer.allocate(16).putLong(0, value).putLong(8, value ^ CHECK).array();
        try {
            data.seek(slot * 16L);
            data.write(record);
            unforced = true;
            if (System.nanoTime() - lastForceNanos >= FORCE_INTERVAL_MILLIS * 1_000_000) {
                force();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the consumer position " + file, e);
        }
        position = value;
    }

    /** Fsyncs what {@link #set} wrote and closes the file. */
    synchronized void close() {
        try {
            force();
            data.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the consumer position " + file, e);
        }
    }

    private void force() throws IOException {
        if (unforced) {
            data.getFD().sync();
            unforced = false;
        }
        lastForceNanos = System.nanoTime();
    }
}
