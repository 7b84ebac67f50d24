package dev.smtpapi.tracker.event;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A consumer's committed position in its own small file: two 16-byte slots, written alternately (position and a
 * check value) and fsynced, so a crash in mid-write leaves the other slot, the previous position, readable.
 */
final class ConsumerPosition {
    private static final long CHECK = 0x5EC0DE5EC0DE5EC0L;

    private final Path file;
    private final FileChannel channel;
    private volatile long position;
    private int slot;

    private ConsumerPosition(Path file, FileChannel channel, long position, int slot) {
        this.file = file;
        this.channel = channel;
        this.position = position;
        this.slot = slot;
    }

    /** Opens the position file, creating it at {@code initial} when missing. */
    static ConsumerPosition create(Path file, long initial) throws IOException {
        Files.createDirectories(file.getParent());
        boolean existed = Files.exists(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ByteBuffer both = ByteBuffer.allocate(32);
        while (both.hasRemaining() && channel.read(both, both.position()) > 0) {
            // reads up to both slots
        }
        long best = -1;
        int bestSlot = 0;
        for (int i = 0; i < 2; i++) {
            long value = both.getLong(i * 16);
            if ((value ^ CHECK) == both.getLong(i * 16 + 8) && value > best) {
                best = value;
                bestSlot = i;
            }
        }
        ConsumerPosition position = new ConsumerPosition(file, channel, Math.max(best, 0), bestSlot);
        if (!existed || best < 0) {
            position.set(existed ? 0 : initial);
            EventLog.syncDirectory(file.getParent());
        }
        return position;
    }

    long get() {
        return position;
    }

    /** Makes {@code value} the committed position; durable once this returns. Never moves back. */
    synchronized void set(long value) {
        if (value < position) {
            return;
        }
        slot = 1 - slot;
        ByteBuffer buffer = ByteBuffer.allocate(16).putLong(0, value).putLong(8, value ^ CHECK);
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer, slot * 16L + buffer.position());
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the consumer position " + file, e);
        }
        position = value;
    }
}
