package dev.smtpapi.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/** Only the encoded lines around a change are written anew, and what is written decodes right. */
class EncodingFidelityTest {

    private static final String HEADERS = "From: Northwind Outdoor <news@northwind-outdoor.example>\r\n"
            + "To: ana.lima@example.org\r\nSubject: Minified\r\nMIME-Version: 1.0\r\n";

    @Test
    void re_encodes_only_the_soft_wrapped_lines_around_each_link_of_minified_html() {
        StringBuilder html = new StringBuilder("<!doctype html><html><head><title>Spring</title></head><body>");
        for (int i = 0; i < 40; i++) {
            html.append("<table role=\"presentation\"><tr><td style=\"padding:10px 25px;font-family:Helvetica\">")
                    .append("Ridgeline ").append(i).append(" — lightweight, waterproof, ready for the hills. ".repeat(6))
                    .append("<a href=\"https://www.northwind-outdoor.example/p/").append(i)
                    .append("?utm_source=newsletter&amp;utm_medium=email\">Shop</a></td></tr></table>");
        }
        html.append("</body></html>");
        byte[] encoded = jakartaQuotedPrintable(html.toString());
        byte[] raw = (HEADERS + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + new String(encoded, StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        TrackableMessage message = TrackableMessage.parse(raw);
        TestUrls ana = TestUrls.forRecipient("ana");

        byte[] delivered = message.render(ana);

        assertThat(message.links()).hasSize(40);
        List<String> before = lines(raw);
        Set<String> after = new LinkedHashSet<>(lines(delivered));
        long rewritten = before.stream().filter(line -> !after.contains(line)).count();
        assertThat(before).hasSizeGreaterThan(250);
        // Each href value touches the two or three 76-column lines it sits on, the pixel the last line: the
        // other lines, two thirds of the part, are copied as they were.
        assertThat(rewritten).isLessThanOrEqualTo(3 * 40 + 2).isLessThan(before.size() / 3);
        DeliveredMail.of(raw, delivered).hasNoLineLongerThan998Octets().hasSameTopLevelHeaders()
                .differsOnlyByTracking("text/html", message.links(), ana);
        assertThat(lines(delivered)).allMatch(line -> line.length() <= 76 || line.startsWith("Content-")
                || line.startsWith("From:"));
    }

    @Test
    void keeps_a_character_whose_bytes_are_split_by_a_soft_line_break() {
        String body = "<p>Caf=C3=\r\n=A9 =E2=80=\r\n=94 <a href=3D\"https://cafe.example/menu\">menu</a> =E2=\r\n=82=AC</p>\r\n";
        byte[] raw = (HEADERS + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + body).getBytes(StandardCharsets.US_ASCII);
        TrackableMessage message = TrackableMessage.parse(raw);

        byte[] delivered = message.render(TestUrls.forRecipient("r"));

        assertThat(message.status()).isEqualTo(RewriteStatus.REWRITABLE);
        assertThat(DeliveredMail.bodyText(delivered, "text/html")).isEqualTo(
                "<p>Café — <a href=\"https://t.example.net/c/r-0\">menu</a> €</p>"
                        + "<img border=\"0\" width=\"1\" height=\"1\" alt=\"\" src=\"https://t.example.net/q/r\">\n");
    }

    @Test
    void writes_click_urls_safely_for_double_single_and_no_quotes() {
        String html = "<p><a href=\"https://a.example/1\">one</a> <a href='https://a.example/2'>two</a> "
                + "<a href=https://a.example/3>three</a></p>\r\n";
        byte[] raw = (HEADERS + "Content-Type: text/html; charset=utf-8\r\n\r\n" + html).getBytes(StandardCharsets.UTF_8);
        String awkward = "https://t.example.net/c/x?a=1&b='2'&c=\"3\" <4>";
        RecipientUrls urls = new RecipientUrls() {
            @Override
            public Optional<String> clickUrl(int linkIndex) {
                return Optional.of(awkward + linkIndex);
            }

            @Override
            public Optional<String> openPixelUrl() {
                return Optional.of("https://t.example.net/q/x?a=1&b=\"2\"");
            }
        };

        byte[] delivered = TrackableMessage.parse(raw).render(urls);

        Document document = Jsoup.parse(DeliveredMail.bodyText(delivered, "text/html"));
        assertThat(document.select("a")).extracting(a -> a.attr("href"))
                .containsExactly(awkward + 0, awkward + 1, awkward + 2);
        assertThat(document.select("img").attr("src")).isEqualTo("https://t.example.net/q/x?a=1&b=\"2\"");
    }

    @Test
    void quoted_printable_output_decodes_to_the_input_with_lines_of_at_most_76_characters() throws Exception {
        Random random = new Random(76);
        for (int round = 0; round < 200; round++) {
            byte[] data = new byte[random.nextInt(600)];
            for (int i = 0; i < data.length; i++) {
                int pick = random.nextInt(10);
                data[i] = (byte) (pick < 5 ? 'a' + random.nextInt(26) : pick < 7 ? ' ' : pick < 8 ? '\r' : pick < 9 ? '\n' : random.nextInt(256));
            }
            boolean continued = random.nextBoolean();
            int column = random.nextInt(76);
            OutputBuffer out = new OutputBuffer(16);
            QuotedPrintable.encode(data, 0, data.length, new byte[] {'\r', '\n'}, column,
                    continued ? QuotedPrintable.Ending.SOFT_BREAK : QuotedPrintable.Ending.LINE_END, out);
            byte[] encoded = out.toByteArray();

            String[] lines = new String(encoded, StandardCharsets.US_ASCII).split("\r\n", -1);
            for (int i = 0; i < lines.length; i++) {
                // The first line continues a line already `column` characters long.
                assertThat(lines[i].length() + (i == 0 ? column : 0)).isLessThanOrEqualTo(76);
                assertThat(lines[i]).doesNotEndWith(" ").doesNotEndWith("\t");
            }
            byte[] expected = new String(data, StandardCharsets.ISO_8859_1).replaceAll("\r?\n", "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            assertThat(jakartaDecode(encoded)).isEqualTo(expected);
            assertThat(new String(encoded, StandardCharsets.US_ASCII).endsWith("=\r\n")).isEqualTo(continued);
        }
    }

    private static byte[] jakartaQuotedPrintable(String html) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (java.io.OutputStream qp = MimeUtility.encode(out, "quoted-printable")) {
                qp.write(html.getBytes(StandardCharsets.UTF_8));
            }
            return out.toByteArray();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] jakartaDecode(byte[] encoded) throws Exception {
        try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(encoded), "quoted-printable")) {
            return in.readAllBytes();
        }
    }

    private static List<String> lines(byte[] message) {
        return new ArrayList<>(Arrays.asList(new String(message, StandardCharsets.US_ASCII).split("\r\n")));
    }
}
