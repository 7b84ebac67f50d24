package dev.smtpapi.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.testsupport.TestMessages;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.parser.Parser;

/**
 * What a user checks on a delivered message, read back with Jakarta Mail (an independent MIME parser): the
 * same MIME tree as the input, every line within 998 octets, untouched parts byte for byte the same, and the
 * rewritten parts equal to the input once the tracked URLs, the pixels and the {@code data-msys-*} attributes
 * are taken out again.
 */
final class DeliveredMail {

    private static final Pattern MSYS_ATTRIBUTE = Pattern.compile(
            "(?i)\\s*data-msys-(?:linkname|sublink|unsubscribe|clicktrack)(?:\\s*=\\s*(?:\"[^\"]*\"|'[^']*'|[^\\s>]+))?");

    private final byte[] input;
    private final byte[] output;

    private MimeMessage inputMessage;
    private MimeMessage outputMessage;

    private DeliveredMail(byte[] input, byte[] output) {
        this.input = input;
        this.output = output;
    }

    /** Both messages parsed once: a 20 MB message takes a while to read. */
    private MimeMessage inputMessage() {
        if (inputMessage == null) {
            inputMessage = jakarta(input);
        }
        return inputMessage;
    }

    private MimeMessage outputMessage() {
        if (outputMessage == null) {
            outputMessage = jakarta(output);
        }
        return outputMessage;
    }

    static DeliveredMail of(byte[] input, byte[] output) {
        return new DeliveredMail(input, output);
    }

    static byte[] resource(String name) {
        return TestMessages.resource(name);
    }

    static MimeMessage jakarta(byte[] message) {
        try {
            return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message));
        } catch (MessagingException e) {
            throw new AssertionError("Jakarta Mail cannot parse the message", e);
        }
    }

    /** The output has the input's MIME tree (types, dispositions, file names), per Jakarta Mail. */
    DeliveredMail hasSameMimeTree() {
        assertThat(tree(outputMessage())).isEqualTo(tree(inputMessage()));
        return this;
    }

    DeliveredMail hasNoLineLongerThan998Octets() {
        int lineStart = 0;
        for (int i = 0; i <= output.length; i++) {
            if (i == output.length || output[i] == '\n') {
                int end = i > lineStart && output[i - 1] == '\r' ? i - 1 : i;
                assertThat(end - lineStart).as("length of the line starting at byte %d", lineStart)
                        .isLessThanOrEqualTo(998);
                lineStart = i + 1;
            }
        }
        return this;
    }

    /** Every leaf part but the rewritten html and text parts has the same headers and encoded bytes. */
    DeliveredMail hasUntouchedOtherParts() {
        MimeMessage original = jakarta(input);
        List<Part> before = leaves(original);
        List<Part> after = leaves(jakarta(output));
        assertThat(after).hasSameSizeAs(before);
        Part html = firstBodyPart(original, "text/html");
        Part text = firstBodyPart(original, "text/plain");
        for (int i = 0; i < before.size(); i++) {
            if (before.get(i) == html || before.get(i) == text) {
                continue;
            }
            assertThat(rawContent(after.get(i))).as("encoded bytes of untouched part %d", i)
                    .isEqualTo(rawContent(before.get(i)));
            assertThat(headerLines(after.get(i))).isEqualTo(headerLines(before.get(i)));
        }
        return this;
    }

    /** The top-level header block is byte for byte the input's. */
    DeliveredMail hasSameTopLevelHeaders() {
        assertThat(new String(output, 0, headerEnd(output), java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(input, 0, headerEnd(input), java.nio.charset.StandardCharsets.ISO_8859_1));
        return this;
    }

    /**
     * The decoded content of the first body part of {@code type} (not an attachment, not in a message), with
     * CRLF line ends read as LF so that examples can be written with {@code \n}.
     */
    static String bodyText(byte[] message, String type) {
        return bodyText(jakarta(message), type);
    }

    private static String bodyText(Part message, String type) {
        Part part = firstBodyPart(message, type);
        assertThat(part).as("%s body part", type).isNotNull();
        try {
            return ((String) part.getContent()).replace("\r\n", "\n");
        } catch (IOException | MessagingException e) {
            throw new AssertionError(e);
        }
    }

    static String transferEncoding(byte[] message, String type) {
        try {
            String[] values = firstBodyPart(jakarta(message), type).getHeader("Content-Transfer-Encoding");
            return values == null ? "7bit" : values[0].trim().toLowerCase(Locale.ROOT);
        } catch (MessagingException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The delivered {@code type} part equals the input's once each click URL is put back to the original
     * value, the pixels are taken out and the {@code data-msys-*} attributes (or text opt-out suffixes) are
     * removed from the input; and each original value is, decoded, exactly the link's target URL. Returns the
     * link indexes in the order they appear in the delivered part.
     */
    List<Integer> differsOnlyByTracking(String type, List<TrackedLink> links, TestUrls urls) {
        boolean html = type.equals("text/html");
        String original = bodyText(inputMessage(), type);
        String expected = html
                ? MSYS_ATTRIBUTE.matcher(original).replaceAll("")
                : original.replace(TextLinkFinder.OPT_OUT, "");
        String delivered = bodyText(outputMessage(), type);
        Pattern marker = Pattern.compile(Pattern.quote(TestUrls.CLICK_PREFIX + urls.recipient() + "-") + "(\\d+)"
                + "|" + Pattern.quote(urls.openPixelTag()) + "|" + Pattern.quote(urls.initialOpenPixelTag()));
        Matcher matcher = marker.matcher(delivered);
        List<Integer> seen = new ArrayList<>();
        int out = 0;
        int in = 0;
        Integer pending = null;
        while (true) {
            boolean found = matcher.find();
            String segment = delivered.substring(out, found ? matcher.start() : delivered.length());
            int at;
            if (pending == null) {
                at = in;
            } else if (found) {
                at = segment.isEmpty() ? in : expected.indexOf(segment, in);
            } else {
                at = expected.length() - segment.length();
            }
            assertThat(at).as("text after link %s found in the input", pending).isGreaterThanOrEqualTo(in);
            if (pending != null) {
                String raw = expected.substring(in, at);
                String target = html ? BrowserUrl.ofHref(Parser.unescapeEntities(raw, true)) : raw;
                assertThat(target).as("original value of link %d", pending).isEqualTo(links.get(pending).targetUrl());
                pending = null;
            }
            assertThat(expected.startsWith(segment, at))
                    .as("delivered text at %d equals the input at %d:%n%s", out, at, excerpt(segment)).isTrue();
            in = at + segment.length();
            if (!found) {
                break;
            }
            if (matcher.group(1) != null) {
                pending = Integer.parseInt(matcher.group(1));
                seen.add(pending);
            }
            out = matcher.end();
        }
        assertThat(in).as("the whole input was matched").isEqualTo(expected.length());
        return seen;
    }

    private static String excerpt(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    static String tree(Part part) {
        try {
            StringBuilder out = new StringBuilder(new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT));
            if (part.getDisposition() != null) {
                out.append(" ").append(part.getDisposition().toLowerCase(Locale.ROOT));
            }
            if (part.getFileName() != null) {
                out.append(" \"").append(part.getFileName()).append('"');
            }
            Object content = part.isMimeType("multipart/*") || part.isMimeType("message/rfc822") ? part.getContent() : null;
            if (content instanceof Multipart multipart) {
                out.append(" [");
                for (int i = 0; i < multipart.getCount(); i++) {
                    out.append(i > 0 ? ", " : "").append(tree(multipart.getBodyPart(i)));
                }
                out.append("]");
            } else if (content instanceof Part attached) {
                out.append(" {").append(tree(attached)).append("}");
            }
            return out.toString();
        } catch (IOException | MessagingException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Part> leaves(Part part) {
        List<Part> leaves = new ArrayList<>();
        try {
            if (part.isMimeType("multipart/*")) {
                Multipart multipart = (Multipart) part.getContent();
                for (int i = 0; i < multipart.getCount(); i++) {
                    leaves.addAll(leaves(multipart.getBodyPart(i)));
                }
            } else {
                leaves.add(part);
            }
        } catch (IOException | MessagingException e) {
            throw new AssertionError(e);
        }
        return leaves;
    }

    static Part firstBodyPart(Part part, String type) {
        try {
            if (part.isMimeType("multipart/*")) {
                Multipart multipart = (Multipart) part.getContent();
                for (int i = 0; i < multipart.getCount(); i++) {
                    Part found = firstBodyPart(multipart.getBodyPart(i), type);
                    if (found != null) {
                        return found;
                    }
                }
                return null;
            }
            boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null;
            return part.isMimeType(type) && !attachment ? part : null;
        } catch (IOException | MessagingException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] rawContent(Part part) {
        try {
            if (part instanceof MimeBodyPart body) {
                return body.getRawInputStream().readAllBytes();
            }
            return ((MimeMessage) part).getRawInputStream().readAllBytes();
        } catch (IOException | MessagingException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> headerLines(Part part) {
        try {
            List<String> lines = new ArrayList<>();
            if (part instanceof BodyPart body) {
                lines.addAll(Collections.list(((MimeBodyPart) body).getAllHeaderLines()));
            } else {
                lines.addAll(Collections.list(((MimeMessage) part).getAllHeaderLines()));
            }
            return lines;
        } catch (MessagingException e) {
            throw new AssertionError(e);
        }
    }

    private static int headerEnd(byte[] message) {
        for (int i = 0; i + 1 < message.length; i++) {
            if (message[i] == '\n' && (message[i + 1] == '\n' || message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n')) {
                return i + 1;
            }
        }
        return message.length;
    }
}
