package dev.smtpapi.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A message costs at most what {@link MimeLimits} allow, however it is built: past a limit it is reported as
 * not rewritable, with the reason, and delivered as it came. These tests run in a 512 MiB heap (see the pom), the
 * heap James had when a 15 MB message of 3 million parts exhausted it.
 */
class BoundedWorkTest {

    private static final String HEADERS = "From: Northwind News <news@northwind-outdoor.example>\r\n"
            + "To: ana@example.org\r\nSubject: This week at Northwind\r\nDate: Mon, 20 Apr 2026 06:00:00 +0000\r\n"
            + "MIME-Version: 1.0\r\n";
    private static final String HTML_PART = "Content-Type: text/html; charset=utf-8\r\n\r\n"
            + "<p><a href=\"https://www.northwind-outdoor.example/sale\">Spring sale</a></p>\r\n";
    private final TestUrls ana = TestUrls.forRecipient("ana");

    @Test
    void fifteen_megabytes_of_three_million_empty_parts_are_delivered_untracked_with_the_reason() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(15_200_000);
        out.writeBytes((HEADERS + "Content-Type: multipart/mixed; boundary=b\n\n").getBytes(StandardCharsets.US_ASCII));
        byte[] emptyPart = "--b\n\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 3_000_000; i++) {
            out.writeBytes(emptyPart);
        }
        out.writeBytes("--b--\n".getBytes(StandardCharsets.US_ASCII));
        byte[] raw = out.toByteArray();

        TrackableMessage message = TrackableMessage.parse(raw);

        assertThat(raw.length).isGreaterThan(15_000_000);
        assertThat(message.status()).isEqualTo(RewriteStatus.OVER_LIMITS);
        assertThat(message.statusDetail()).startsWith("more than 1000 MIME parts");
        assertThat(message.links()).isEmpty();
        assertThat(Arrays.mismatch(message.render(ana), raw)).as("first byte that differs").isEqualTo(-1);
    }

    @Test
    void a_thousand_parts_are_rewritten_and_one_more_is_over_the_limit() {
        assertThat(TrackableMessage.parse(withParts(1000)).status()).isEqualTo(RewriteStatus.REWRITABLE);

        TrackableMessage tooMany = TrackableMessage.parse(withParts(1001));

        assertThat(tooMany.status()).isEqualTo(RewriteStatus.OVER_LIMITS);
        assertThat(tooMany.statusDetail()).startsWith("more than 1000 MIME parts (part 1001 starts at byte ");
    }

    @Test
    void parts_in_nested_multiparts_count_towards_the_same_limit() {
        String inner = "Content-Type: multipart/mixed; boundary=inner\r\n\r\n"
                + "--inner\r\n\r\nnote\r\n".repeat(6) + "--inner--\r\n";
        String outer = "Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\n" + HTML_PART
                + ("--outer\r\n" + inner).repeat(3) + "--outer--\r\n";
        byte[] raw = (HEADERS + outer).getBytes(StandardCharsets.US_ASCII);

        assertThat(TrackableMessage.parse(raw, new MimeLimits(22, 100, 1 << 20, 1 << 20)).status())
                .isEqualTo(RewriteStatus.REWRITABLE);
        assertThat(TrackableMessage.parse(raw, new MimeLimits(21, 100, 1 << 20, 1 << 20)).statusDetail())
                .startsWith("more than 21 MIME parts");
    }

    @Test
    void a_hundred_levels_of_nesting_are_rewritten_and_one_more_is_over_the_limit() {
        byte[] deepest = nested(100);
        TrackableMessage message = TrackableMessage.parse(deepest);

        assertThat(message.status()).isEqualTo(RewriteStatus.REWRITABLE);
        assertThat(message.links()).extracting(TrackedLink::targetUrl)
                .containsExactly("https://www.northwind-outdoor.example/sale");
        TrackableMessage tooDeep = TrackableMessage.parse(nested(101));
        assertThat(tooDeep.status()).isEqualTo(RewriteStatus.OVER_LIMITS);
        assertThat(tooDeep.statusDetail()).isEqualTo("multiparts nested deeper than 100 levels");
    }

    @Test
    void a_header_block_over_one_mebibyte_is_over_the_limit_even_without_its_empty_line() {
        String received = "Received: from relay.example.net (relay.example.net [192.0.2.7]) by mx.example.org "
                + "with ESMTPS id 4f2a; Mon, 20 Apr 2026 06:00:00 +0000\r\n";
        String longHeader = received.repeat(1024 * 1024 / received.length() + 1);
        byte[] withBody = (HEADERS + longHeader + HTML_PART).getBytes(StandardCharsets.US_ASCII);
        byte[] endless = (HEADERS + longHeader.repeat(8)).getBytes(StandardCharsets.US_ASCII);

        TrackableMessage message = TrackableMessage.parse(withBody);

        assertThat(message.status()).isEqualTo(RewriteStatus.OVER_LIMITS);
        assertThat(message.statusDetail()).isEqualTo("more than 1048576 bytes of header fields (reached in the header at byte 0)");
        assertThat(TrackableMessage.parse(endless).status()).isEqualTo(RewriteStatus.OVER_LIMITS);
        byte[] halfAsLong = (HEADERS + received.repeat(1024 * 512 / received.length()) + HTML_PART)
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(TrackableMessage.parse(halfAsLong).status()).isEqualTo(RewriteStatus.REWRITABLE);
    }

    @Test
    void header_bytes_are_summed_over_the_message_and_its_parts() {
        String filler = "X-Campaign-Note: " + "n".repeat(60) + "\r\n";
        String partHeader = filler.repeat(7000);
        String body = "Content-Type: multipart/alternative; boundary=alt\r\n" + filler.repeat(7000) + "\r\n"
                + "--alt\r\n" + partHeader + HTML_PART + "--alt--\r\n";
        byte[] raw = (HEADERS + body).getBytes(StandardCharsets.US_ASCII);

        TrackableMessage message = TrackableMessage.parse(raw);

        assertThat(message.status()).isEqualTo(RewriteStatus.OVER_LIMITS);
        assertThat(message.statusDetail()).contains("bytes of header fields (reached in the header at byte ");
        assertThat(message.statusDetail()).doesNotContain("at byte 0)");
    }

    @Test
    void an_html_part_over_16_mebibytes_is_not_decoded_or_parsed() {
        String row = "<tr><td><a href=\"https://www.northwind-outdoor.example/p/1\">Ridgeline 2</a></td>"
                + "<td>" + "Sturdy, light and quick to pitch. ".repeat(20) + "</td></tr>\r\n";
        String html = "<table>\r\n" + row.repeat(16 * 1024 * 1024 / row.length() + 1) + "</table>\r\n";
        byte[] raw = (HEADERS + "Content-Type: text/html; charset=utf-8\r\n\r\n" + html).getBytes(StandardCharsets.US_ASCII);

        TrackableMessage message = TrackableMessage.parse(raw);

        assertThat(message.status()).isEqualTo(RewriteStatus.OVER_LIMITS);
        assertThat(message.statusDetail()).isEqualTo("text/html part of " + html.length()
                + " bytes is larger than the 16777216 bytes rewritten");
        assertThat(TrackableMessage.parse(raw, new MimeLimits(1000, 100, 1 << 20, 24 << 20)).status())
                .isEqualTo(RewriteStatus.REWRITABLE);
    }

    private static byte[] withParts(int parts) {
        StringBuilder body = new StringBuilder("Content-Type: multipart/mixed; boundary=p\r\n\r\n--p\r\n" + HTML_PART);
        for (int i = 1; i < parts; i++) {
            body.append("--p\r\nContent-Type: text/csv; name=row").append(i).append(".csv\r\n\r\nsku,qty\r\n");
        }
        body.append("--p--\r\n");
        return (HEADERS + body).getBytes(StandardCharsets.US_ASCII);
    }

    /** An html part inside {@code levels} multiparts, the message being the outermost. */
    private static byte[] nested(int levels) {
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int level = 0; level < levels; level++) {
            open.append("Content-Type: multipart/mixed; boundary=level").append(level).append("\r\n\r\n--level")
                    .append(level).append("\r\n");
            close.insert(0, "--level" + level + "--\r\n");
        }
        return (HEADERS + open + HTML_PART + close).getBytes(StandardCharsets.US_ASCII);
    }
}
