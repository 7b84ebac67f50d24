package dev.smtpapi.tracker.event;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where what cannot be stored goes instead of blocking the rest: {@code dead-letter/events.jsonl}, one JSON line
 * per event Cassandra kept rejecting or whose record no longer parses, and {@code dead-letter/<segment>-<offset>.bin}
 * for bytes of the log that cannot be read as records. An operator can look at them, fix and replay them; the
 * tracker never reads them again. Each damaged region is set aside once per run.
 */
final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Path directory;
    private final Clock clock;
    private final Set<String> regions = ConcurrentHashMap.newKeySet();
    private final AtomicLong count = new AtomicLong();

    DeadLetters(Path directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    /** Copies {@code length} unreadable bytes of a segment from {@code from}. */
    void unreadable(Path segment, long from, FileChannel channel, long length) {
        String name = segment.getFileName() + "-" + from + ".bin";
        if (!regions.add(name)) {
            return;
        }
        count.incrementAndGet();
        LOG.error("event log {}: {} unreadable bytes at offset {} set aside in {}; the events after them go on",
                segment.getFileName(), length, from, directory.resolve(name));
        try {
            Files.createDirectories(directory);
            ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(length, Integer.MAX_VALUE - 16));
            channel.read(bytes, from);
            bytes.flip();
            try (FileChannel out = FileChannel.open(directory.resolve(name), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(bytes);
                out.force(false);
            }
        } catch (IOException e) {
            LOG.error("cannot write the dead-letter file {}: {}", name, e.getMessage());
        }
    }

    /** Sets an event (its log line) aside, saying why. */
    synchronized void event(String line, String reason) {
        count.incrementAndGet();
        try {
            Files.createDirectories(directory);
            String entry = "{\"dead_lettered_at\":\"" + EventJson.timestamp(clock.instant()) + "\",\"reason\":"
                    + quoted(reason) + ",\"event\":" + quoted(line) + "}\n";
            try (FileChannel out = FileChannel.open(directory.resolve("events.jsonl"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                out.write(ByteBuffer.wrap(entry.getBytes(StandardCharsets.UTF_8)));
                out.force(false);
            }
        } catch (IOException e) {
            LOG.error("cannot write to the dead-letter file {}: {}", directory.resolve("events.jsonl"),
                    e.getMessage());
        }
    }

    long count() {
        return count.get();
    }

    Path directory() {
        return directory;
    }

    private static String quoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
