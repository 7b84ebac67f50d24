package dev.smtpapi.e2e;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The mail that James's RemoteDelivery handed to the stack's SMTP sink (its gateway): one {@code .eml} file
 * per delivery, with the envelope in {@code X-Sink-Mail-From} and {@code X-Sink-Rcpt-To} headers.
 */
final class Sink {
    private final Path directory;
    private final Session session = Session.getInstance(new Properties());

    Sink(Stack stack) {
        this.directory = stack.sinkDirectory();
    }

    /** Waits until {@code count} deliveries with a subject containing {@code subject} are in the sink. */
    List<MimeMessage> await(String subject, int count, Duration timeout) throws IOException, MessagingException,
            InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        List<MimeMessage> found = read(subject);
        while (found.size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            found = read(subject);
        }
        if (found.size() < count) {
            throw new AssertionError("the SMTP sink in " + directory + " received " + found.size()
                    + " delivery(ies) with subject '" + subject + "' within " + timeout.toSeconds()
                    + "s, expected " + count + " (RemoteDelivery retries are in James's log)");
        }
        return found;
    }

    /**
     * Waits until {@code count} deliveries with a subject containing {@code subject} are in the sink, and returns
     * each file's bytes as the sink stored them (its {@code X-Sink-*} lines first).
     */
    List<byte[]> awaitBytes(String subject, int count, Duration timeout) throws IOException, MessagingException,
            InterruptedException {
        await(subject, count, timeout);
        List<byte[]> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.eml")) {
            for (Path file : files) {
                byte[] bytes = Files.readAllBytes(file);
                try (InputStream in = new ByteArrayInputStream(bytes)) {
                    String messageSubject = new MimeMessage(session, in).getSubject();
                    if (messageSubject != null && messageSubject.contains(subject)) {
                        found.add(bytes);
                    }
                }
            }
        }
        return found;
    }

    private List<MimeMessage> read(String subject) throws IOException, MessagingException {
        List<MimeMessage> found = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.eml")) {
            for (Path file : files) {
                try (InputStream in = Files.newInputStream(file)) {
                    MimeMessage message = new MimeMessage(session, in);
                    String messageSubject = message.getSubject();
                    if (messageSubject != null && messageSubject.contains(subject)) {
                        found.add(message);
                    }
                }
            }
        }
        return found;
    }
}
