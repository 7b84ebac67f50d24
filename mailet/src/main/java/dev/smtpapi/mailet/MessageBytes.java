package dev.smtpapi.mailet;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Properties;

/**
 * A message's bytes as James holds them, read without letting Jakarta Mail rebuild the message: the header
 * lines as they stand (an earlier mailet may have changed them) followed by the raw body stream.
 *
 * <p>{@code MimeMessage.writeTo} is never called on a message an earlier mailet changed: James's
 * {@code MimeMessageWrapper} would then {@code saveChanges()}, which parses the MIME structure again and throws
 * for malformed MIME ({@code Missing start boundary}). The header lines and the raw body stream need no parse
 * at all, so every message James can carry can be read here. Only a message that has no raw body (one built in
 * memory by a mailet and never saved) is written with {@code writeTo}, which is safe for it.
 *
 * <p>The bytes are read into one array of the right size when the body's size is known (no growing buffer, no
 * final copy), so a large message is held once by this class.
 */
final class MessageBytes {
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final byte[] CRLF = {'\r', '\n'};

    private MessageBytes() {
    }

    /**
     * The message's bytes without any top-level header field named {@code droppedHeader} (case-insensitive,
     * folded lines included). Header lines end with CRLF, as James writes them; the body is byte for byte the
     * one James holds.
     *
     * @throws MessagingException when James cannot give the message's headers or body at all (its storage
     *     failed); never for the message's content
     */
    static byte[] read(MimeMessage message, String droppedHeader) throws MessagingException {
        try {
            Buffer headers = new Buffer(2048);
            Enumeration<String> lines = message.getNonMatchingHeaderLines(new String[] {droppedHeader});
            while (lines.hasMoreElements()) {
                writeHeaderLine(lines.nextElement(), headers);
            }
            headers.write(CRLF);
            InputStream body;
            try {
                body = message.getRawInputStream();
            } catch (MessagingException e) {
                // No raw body: a message made in memory and never saved. writeTo saves it first, which for such
                // a message (well-formed by construction) is what any James writer would do anyway.
                return written(message, droppedHeader);
            }
            try (body) {
                Buffer out = new Buffer(headers.count + Math.max(message.getSize(), 0));
                out.write(headers.bytes, 0, headers.count);
                body.transferTo(out);
                return out.toByteArray();
            }
        } catch (IOException e) {
            throw new MessagingException("cannot read the message: " + e.getMessage(), e);
        }
    }

    /**
     * A header line back to its bytes. Jakarta Mail reads header bytes as ISO-8859-1 (one char per byte) unless
     * {@code mail.mime.allowutf8} is set, so a char up to U+00FF is the byte it came from; anything above was
     * decoded from UTF-8 and goes back as UTF-8.
     */
    private static void writeHeaderLine(String line, Buffer out) {
        boolean latin1 = true;
        for (int i = 0; i < line.length() && latin1; i++) {
            latin1 = line.charAt(i) <= 0xFF;
        }
        out.write(line.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
        out.write(CRLF);
    }

    private static byte[] written(MimeMessage message, String droppedHeader) throws MessagingException, IOException {
        Buffer out = new Buffer(Math.max(message.getSize(), 0) + 4096);
        message.writeTo(out, new String[] {droppedHeader});
        return out.toByteArray();
    }

    /**
     * A message whose bytes are exactly {@code raw}: parsed as received, never rebuilt. Jakarta Mail marks a
     * message read from a stream as saved, so {@code writeTo} streams these bytes back unchanged; the shared
     * stream lets it keep the body as a view of {@code raw} instead of copying it.
     */
    static MimeMessage asMessage(byte[] raw) throws MessagingException {
        return new MimeMessage(SESSION, new SharedByteArrayInputStream(raw));
    }

    /** A byte buffer that hands out its array itself when it was sized exactly. */
    private static final class Buffer extends OutputStream {
        private byte[] bytes;
        private int count;

        Buffer(int expected) {
            bytes = new byte[expected];
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b) {
            write(b, 0, b.length);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, count, len);
            count += len;
        }

        private void ensure(int more) {
            if (count + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(count + more, bytes.length + (bytes.length >> 1)));
            }
        }

        byte[] toByteArray() {
            return count == bytes.length ? bytes : Arrays.copyOf(bytes, count);
        }
    }
}
