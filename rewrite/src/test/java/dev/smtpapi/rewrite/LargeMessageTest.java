package dev.smtpapi.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A 20 MB catalogue mail with 10,000 links is rewritten completely when the limits allow a part that large (the
 * default stops at 16 MiB; time goes to the benchmarks, not here).
 */
class LargeMessageTest {

    private static final int LINKS = 10_000;

    @Test
    void rewrites_a_20_mb_catalogue_with_ten_thousand_links() throws Exception {
        byte[] raw = catalogue();
        assertThat(raw.length).isGreaterThan(20_000_000);
        assertThat(TrackableMessage.parse(raw).status()).isEqualTo(RewriteStatus.OVER_LIMITS);
        TestUrls reader = TestUrls.forRecipient("reader");

        TrackableMessage message = TrackableMessage.parse(raw, new MimeLimits(1000, 100, 1 << 20, 32 << 20));
        byte[] delivered = message.render(reader);

        assertThat(message.status()).isEqualTo(RewriteStatus.REWRITABLE);
        assertThat(message.links()).hasSize(LINKS + 1);
        assertThat(message.links().get(4321).targetUrl())
                .isEqualTo("https://catalogue.example.com/item/4321?ref=cat&page=43");
        DeliveredMail mail = DeliveredMail.of(raw, delivered).hasNoLineLongerThan998Octets().hasSameMimeTree();
        assertThat(mail.differsOnlyByTracking("text/html", message.links(), reader))
                .containsExactlyElementsOf(IntStream.range(0, LINKS).boxed().toList());
        assertThat(mail.differsOnlyByTracking("text/plain", message.links(), reader)).containsExactly(LINKS);
        String forSecond = DeliveredMail.bodyText(message.render(TestUrls.forRecipient("second")), "text/html");
        assertThat(forSecond.contains("<a href=\"https://t.example.net/c/second-9999\">Item 9999</a>"))
                .as("the second recipient's copy has their own URL for the last link").isTrue();
    }

    private static byte[] catalogue() throws Exception {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><title>Catalogue</title></head>\n<body>\n");
        String description = "Hand-finished oak, oiled twice, with brass fittings. Ships in 3–5 days. ".repeat(27);
        for (int i = 0; i < LINKS; i++) {
            html.append("<table class=\"item\"><tr><td><a href=\"https://catalogue.example.com/item/").append(i)
                    .append("?ref=cat&amp;page=").append(i / 100).append("\">Item ").append(i)
                    .append("</a></td><td>").append(description).append("</td></tr></table>\n");
        }
        html.append("</body>\n</html>\n");
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.write(("From: Catalogue <cat@catalogue.example.com>\r\nTo: reader@example.org\r\n"
                + "Subject: The 2026 catalogue\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/alternative; boundary=\"cat\"\r\n\r\n--cat\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nThe catalogue: https://catalogue.example.com/\r\n"
                + "--cat\r\nContent-Type: text/html; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        try (OutputStream qp = MimeUtility.encode(new NonClosing(message), "quoted-printable")) {
            qp.write(html.toString().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        message.write("\r\n--cat--\r\n".getBytes(StandardCharsets.US_ASCII));
        return message.toByteArray();
    }

    /** Lets the quoted-printable stream be closed (flushed) without closing the message buffer. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws java.io.IOException {
            flush();
        }
    }
}
