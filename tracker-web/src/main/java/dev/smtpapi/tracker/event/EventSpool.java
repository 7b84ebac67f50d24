package dev.smtpapi.tracker.event;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The append-only spool file that keeps events Cassandra could not take (it was down, or the memory queue
 * was full), one JSON line per event. Lines are only ever appended to {@value #CURRENT}; to replay, the file
 * is renamed to a {@code .replay} file (new events then start a new spool file), written to Cassandra, and
 * deleted only once every event in it is stored. A crash at any point leaves whole files behind, replayed at
 * the next start; replaying an event twice stores it once. Thread-safe.
 */
public final class EventSpool implements AutoCloseable {
    static final String CURRENT = "events.spool";
    private static final String REPLAY_SUFFIX = ".replay";

    private final Path directory;
    private final EventJson json;
    private final AtomicLong pendingEvents = new AtomicLong();
    private long replaySequence;
    private BufferedWriter writer;

    private EventSpool(Path directory, EventJson json) {
        this.directory = directory;
        this.json = json;
    }

    /** Opens the spool in {@code directory} (created when missing), counting what earlier runs left. */
    public static EventSpool open(Path directory, EventJson json) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the spool directory " + directory, e);
        }
        EventSpool spool = new EventSpool(directory, json);
        for (Path file : spool.files()) {
            spool.pendingEvents.addAndGet(countLines(file));
        }
        return spool;
    }

    public synchronized void append(List<TrackingEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        try {
            if (writer == null) {
                writer = Files.newBufferedWriter(directory.resolve(CURRENT), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            }
            for (TrackingEvent event : events) {
                writer.write(json.toSpoolLine(event));
                writer.write('\n');
            }
            writer.flush();
            pendingEvents.addAndGet(events.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append " + events.size() + " events to the spool in " + directory, e);
        }
    }

    /** Events written to the spool and not yet stored in Cassandra. */
    public long pendingEvents() {
        return pendingEvents.get();
    }

    public long sizeBytes() {
        long bytes = 0;
        for (Path file : files()) {
            try {
                bytes += Files.size(file);
            } catch (IOException e) {
                // Deleted by a replay meanwhile.
            }
        }
        return bytes;
    }

    /**
     * Replays every spooled event, oldest file first, in batches given to {@code store}; a batch that
     * throws stops the replay and keeps its file for next time.
     *
     * @return the number of events replayed
     */
    public long replay(int batchSize, Consumer<List<TrackingEvent>> store) {
        long replayed = 0;
        for (Path file : takeForReplay()) {
            List<TrackingEvent> batch = new ArrayList<>(batchSize);
            long inFile = 0;
            try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
                for (String line : (Iterable<String>) lines::iterator) {
                    inFile++;
                    json.fromSpoolLine(line).ifPresent(batch::add);
                    if (batch.size() >= batchSize) {
                        store.accept(batch);
                        replayed += batch.size();
                        batch = new ArrayList<>(batchSize);
                    }
                }
                store.accept(batch);
                replayed += batch.size();
                Files.delete(file);
                pendingEvents.addAndGet(-inFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot replay the spool file " + file, e);
            }
        }
        return replayed;
    }

    /** Closes the current file so the next append starts a new one, and lists the files to replay. */
    private synchronized List<Path> takeForReplay() {
        try {
            closeWriter();
            Path current = directory.resolve(CURRENT);
            if (Files.exists(current) && Files.size(current) > 0) {
                String name = String.format("events-%d-%06d%s", System.currentTimeMillis(), replaySequence++,
                        REPLAY_SUFFIX);
                Files.move(current, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rotate the spool file in " + directory, e);
        }
        List<Path> replays = new ArrayList<>();
        for (Path file : files()) {
            if (file.getFileName().toString().endsWith(REPLAY_SUFFIX)) {
                replays.add(file);
            }
        }
        Collections.sort(replays);
        return replays;
    }

    private List<Path> files() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory,
                name -> name.getFileName().toString().equals(CURRENT)
                        || name.getFileName().toString().endsWith(REPLAY_SUFFIX))) {
            entries.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the spool directory " + directory, e);
        }
        return files;
    }

    private static long countLines(Path file) {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spool file " + file, e);
        }
    }

    private void closeWriter() throws IOException {
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }

    @Override
    public synchronized void close() {
        try {
            closeWriter();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the spool file in " + directory, e);
        }
    }
}
