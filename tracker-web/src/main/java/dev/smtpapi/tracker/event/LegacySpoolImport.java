package dev.smtpapi.tracker.event;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the events that an earlier tracker left in its spool files ({@code events.spool}, {@code *.replay}: one
 * JSON line per event) into the event log at start-up, so an upgrade loses none. A line that is not an event
 * (torn, or malformed UTF-8) goes to the dead-letter file; a file is deleted once all its events are recorded.
 */
public final class LegacySpoolImport {
    private static final Logger LOG = LoggerFactory.getLogger(LegacySpoolImport.class);
    private static final int CHUNK = 1000;

    private LegacySpoolImport() {
    }

    /** Imports the spool files found in {@code directory} (which may be the log's own); returns the count. */
    public static long importInto(EventLog log, Path directory) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory,
                entry -> entry.getFileName().toString().equals("events.spool")
                        || entry.getFileName().toString().endsWith(".replay"))) {
            stream.forEach(files::add);
        } catch (IOException e) {
            LOG.error("cannot list the old spool directory {}: {}", directory, e.getMessage());
            return 0;
        }
        long imported = 0;
        for (Path file : files) {
            imported += importFile(log, file);
        }
        return imported;
    }

    private static long importFile(EventLog log, Path file) {
        List<String> lines;
        try {
            byte[] bytes = Files.readAllBytes(file);
            lines = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString().lines().toList();
        } catch (IOException e) {
            LOG.error("cannot read the old spool file {}: {}; it stays for the operator", file, e.getMessage());
            return 0;
        }
        List<TrackingEvent> events = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Optional<TrackingEvent> event = log.json().fromSpoolLine(line);
            if (event.isPresent()) {
                events.add(event.get());
            } else {
                log.deadLetters().event(line, "a line of the old spool file " + file.getFileName() + " that is not an event");
            }
        }
        long recorded = 0;
        for (int from = 0; from < events.size(); from += CHUNK) {
            recorded += log.appendAll(events.subList(from, Math.min(events.size(), from + CHUNK)));
        }
        if (recorded == events.size()) {
            try {
                Files.delete(file);
            } catch (IOException e) {
                LOG.warn("imported {} but cannot delete it: {}", file, e.getMessage());
            }
            LOG.info("moved {} events of the old spool file {} into the event log", recorded, file);
        } else {
            LOG.error("only {} of the {} events of the old spool file {} fit in the event log; the file stays, and "
                    + "importing it again later stores each event once", recorded, events.size(), file);
        }
        return recorded;
    }
}
