package dev.smtpapi.tracker.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's batches waiting for their webhooks, one file each under {@code <directory>/<webhook id>/}, so
 * that they survive a restart or a kill -9. A batch is written whole (a temporary file, fsynced, then renamed
 * into place and the directory fsynced) before anyone tries to send it, and deleted once it is delivered or
 * given up. File names start with the batch's sequence number, so a webhook's batches go out in the order they
 * were made. A lock file keeps a second tracker off the same directory, which would send every batch twice.
 *
 * <p>A file is one line of JSON describing the batch, then the request body exactly as it is posted.
 * Thread-safe.
 */
public final class PendingBatches implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PendingBatches.class);
    private static final String SUFFIX = ".batch";
    private static final String TEMPORARY = ".tmp";

    private final Path directory;
    private final ObjectMapper mapper;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Map<UUID, NavigableMap<Long, PendingBatch>> byWebhook = new ConcurrentHashMap<>();

    private PendingBatches(Path directory, ObjectMapper mapper, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.mapper = mapper;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens (creating) the directory, takes its lock and reads what earlier runs left to send. */
    public static PendingBatches open(Path directory, ObjectMapper mapper) {
        try {
            Files.createDirectories(directory);
            FileChannel channel = FileChannel.open(directory.resolve("lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("the webhook directory " + directory + " is in use by another "
                        + "tracker; give each tracker a webhook_dir of its own");
            }
            PendingBatches batches = new PendingBatches(directory, mapper, channel, lock);
            batches.load();
            return batches;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the webhook directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private void load() throws IOException {
        try (DirectoryStream<Path> webhooks = Files.newDirectoryStream(directory, Files::isDirectory)) {
            for (Path folder : webhooks) {
                UUID webhookId;
                try {
                    webhookId = UUID.fromString(folder.getFileName().toString());
                } catch (IllegalArgumentException e) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
                    for (Path file : files) {
                        String name = file.getFileName().toString();
                        if (name.endsWith(TEMPORARY)) {
                            Files.deleteIfExists(file); // never renamed into place: its events were not committed
                        } else if (name.endsWith(SUFFIX)) {
                            readHeader(webhookId, file).ifPresent(batch -> index(batch));
                        }
                    }
                }
            }
        }
        int count = byWebhook.values().stream().mapToInt(Map::size).sum();
        if (count > 0) {
            LOG.info("{} webhook batches left by an earlier run wait in {}", count, directory);
        }
    }

    private Optional<PendingBatch> readHeader(UUID webhookId, Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            int newline = indexOf(bytes, (byte) '\n');
            JsonNode header = mapper.readTree(Arrays.copyOf(bytes, Math.max(newline, 0)));
            if (newline < 0 || header == null || bytes.length - newline - 1 != header.path("body_bytes").asInt(-1)) {
                throw new IOException("incomplete batch file");
            }
            return Optional.of(new PendingBatch(webhookId, header.get("sequence").asLong(),
                    UUID.fromString(header.get("batch_id").asText()), Instant.ofEpochMilli(header.get("made_at").asLong()),
                    Instant.ofEpochMilli(header.get("oldest_event_at").asLong()), header.get("last_position").asLong(),
                    header.get("events").asInt(), file));
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
            LOG.error("webhook batch file {} cannot be read ({}); moved aside to {}", file, e.getMessage(), aside);
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailure) {
                LOG.error("cannot move {} aside: {}", file, moveFailure.getMessage());
            }
            return Optional.empty();
        }
    }

    private void index(PendingBatch batch) {
        byWebhook.computeIfAbsent(batch.webhookId(), id -> new ConcurrentSkipListMap<>()).put(batch.sequence(), batch);
    }

    /**
     * Writes a new batch durably and returns it; when this returns, the batch survives a crash.
     *
     * @throws UncheckedIOException when it cannot be written (nothing of it is left behind)
     */
    public PendingBatch add(UUID webhookId, UUID batchId, Instant madeAt, Instant oldestEventAt, long lastPosition,
            int events, byte[] body) {
        NavigableMap<Long, PendingBatch> batches = byWebhook.computeIfAbsent(webhookId,
                id -> new ConcurrentSkipListMap<>());
        long sequence = batches.isEmpty() ? 1 : batches.lastKey() + 1;
        Path folder = directory.resolve(webhookId.toString());
        Path file = folder.resolve(String.format("%019d-%s%s", sequence, batchId, SUFFIX));
        Path temporary = folder.resolve(file.getFileName() + TEMPORARY);
        ObjectNode header = mapper.createObjectNode();
        header.put("sequence", sequence);
        header.put("batch_id", batchId.toString());
        header.put("made_at", madeAt.toEpochMilli());
        header.put("oldest_event_at", oldestEventAt.toEpochMilli());
        header.put("last_position", lastPosition);
        header.put("events", events);
        header.put("body_bytes", body.length);
        try {
            Files.createDirectories(folder);
            byte[] head = (mapper.writeValueAsString(header) + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file);
            }
            syncDirectory(folder);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the next start deletes it
            }
            throw new UncheckedIOException("cannot write a batch for webhook " + webhookId + " in " + folder + ": "
                    + e.getMessage(), e);
        }
        PendingBatch batch = new PendingBatch(webhookId, sequence, batchId, madeAt, oldestEventAt, lastPosition,
                events, file);
        batches.put(sequence, batch);
        return batch;
    }

    private static void syncDirectory(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename is then as durable as they make it.
        }
    }

    /** The request body of a batch, exactly as it was written. */
    public byte[] body(PendingBatch batch) {
        try {
            byte[] bytes = Files.readAllBytes(batch.file());
            int newline = indexOf(bytes, (byte) '\n');
            return Arrays.copyOfRange(bytes, newline + 1, bytes.length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read webhook batch " + batch.batchId() + ": " + e.getMessage(), e);
        }
    }

    /** The webhook's oldest batch, the next to send. */
    public Optional<PendingBatch> oldest(UUID webhookId) {
        NavigableMap<Long, PendingBatch> batches = byWebhook.get(webhookId);
        if (batches == null) {
            return Optional.empty();
        }
        Map.Entry<Long, PendingBatch> first = batches.firstEntry();
        return first == null ? Optional.empty() : Optional.of(first.getValue());
    }

    /** The last event-log position any waiting batch of the webhook covers, or -1. */
    public long lastPosition(UUID webhookId) {
        NavigableMap<Long, PendingBatch> batches = byWebhook.get(webhookId);
        if (batches == null) {
            return -1;
        }
        Map.Entry<Long, PendingBatch> last = batches.lastEntry();
        return last == null ? -1 : last.getValue().lastPosition();
    }

    public int count(UUID webhookId) {
        NavigableMap<Long, PendingBatch> batches = byWebhook.get(webhookId);
        return batches == null ? 0 : batches.size();
    }

    /** The webhooks that have batches waiting here. */
    public Set<UUID> webhooks() {
        return Set.copyOf(byWebhook.keySet());
    }

    /** The batch is done with (delivered or given up). */
    public void remove(PendingBatch batch) {
        try {
            Files.deleteIfExists(batch.file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete webhook batch " + batch.file() + ": " + e.getMessage(), e);
        }
        NavigableMap<Long, PendingBatch> batches = byWebhook.get(batch.webhookId());
        if (batches != null) {
            batches.remove(batch.sequence());
        }
    }

    /** Drops every batch of a deleted webhook. */
    public void removeAll(UUID webhookId) {
        NavigableMap<Long, PendingBatch> batches = byWebhook.remove(webhookId);
        List<PendingBatch> all = batches == null ? List.of() : new ArrayList<>(batches.values());
        for (PendingBatch batch : all) {
            try {
                Files.deleteIfExists(batch.file());
            } catch (IOException e) {
                LOG.warn("cannot delete {} of deleted webhook {}: {}", batch.file(), webhookId, e.getMessage());
            }
        }
        try {
            Files.deleteIfExists(directory.resolve(webhookId.toString()));
        } catch (IOException e) {
            // not empty (a file moved aside): leave it for the operator
        }
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("cannot release the lock of {}: {}", directory, e.getMessage());
        }
    }
}
