package dev.smtpapi.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The test messages of a module: the files in {@code src/test/resources/mail/}, read from the class path. They are
 * stored with LF line ends; {@link #overSmtp} gives them as they arrive over SMTP.
 */
public final class TestMessages {
    private TestMessages() {
    }

    /** The bytes of {@code /mail/<name>}, as stored. */
    public static byte[] resource(String name) {
        try (InputStream in = TestMessages.class.getResourceAsStream("/mail/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test message /mail/" + name + " on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the test message /mail/" + name, e);
        }
    }

    /** The message {@code /mail/<name>} as it arrives over SMTP: every line end CRLF, every other byte as stored. */
    public static byte[] overSmtp(String name) {
        return crlf(new String(resource(name), StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code text} with every line end CRLF (a lone LF or an existing CRLF alike). */
    public static String crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n");
    }
}
