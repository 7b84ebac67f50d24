package dev.smtpapi.e2e;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * One delivered message as its recipient sees it: the decoded HTML and text parts, the links a reader can
 * click and the images a client loads. Parsing is Jakarta Mail's and Jsoup's, independent of the mailet.
 */
final class DeliveredCopy {
    /** A URL as a reader's mail client would link it: no brackets, and no punctuation at its end. */
    private static final Pattern TEXT_URL = Pattern.compile("https?://[^\\s<>\"()\\[\\]]*[^\\s<>\"()\\[\\].,;:!?']");

    private final MimeMessage message;
    private final Optional<String> html;
    private final Optional<String> text;

    private DeliveredCopy(MimeMessage message, Optional<String> html, Optional<String> text) {
        this.message = message;
        this.html = html;
        this.text = text;
    }

    static DeliveredCopy of(MimeMessage message) throws MessagingException, IOException {
        return new DeliveredCopy(message, firstPart(message, "text/html"), firstPart(message, "text/plain"));
    }

    private static Optional<String> firstPart(Part part, String type) throws MessagingException, IOException {
        if (part.isMimeType(type) && !Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
            return Optional.of((String) part.getContent());
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                Optional<String> found = firstPart(child, type);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    MimeMessage message() {
        return message;
    }

    Optional<String> header(String name) throws MessagingException {
        return Optional.ofNullable(message.getHeader(name, ","));
    }

    String html() {
        return html.orElseThrow(() -> new AssertionError("the delivered copy has no text/html part"));
    }

    String text() {
        return text.orElseThrow(() -> new AssertionError("the delivered copy has no text/plain part"));
    }

    Document document() {
        return Jsoup.parse(html());
    }

    /** The href of every {@code <a>} in the HTML part, in document order. */
    List<String> htmlLinks() {
        return document().select("a[href]").eachAttr("href");
    }

    /** The {@code <a>} elements of the HTML part. */
    List<Element> anchors() {
        return document().select("a[href]");
    }

    /** The src of every {@code <img>} in the HTML part. */
    List<String> images() {
        return document().select("img[src]").eachAttr("src");
    }

    /** Every http(s) URL in the text part. */
    List<String> textLinks() {
        List<String> urls = new ArrayList<>();
        Matcher matcher = TEXT_URL.matcher(text());
        while (matcher.find()) {
            urls.add(matcher.group());
        }
        return urls;
    }
}
