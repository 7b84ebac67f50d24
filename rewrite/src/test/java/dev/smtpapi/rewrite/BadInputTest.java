package dev.smtpapi.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bad input never throws and is never damaged: the status says why, and render gives the bytes back. */
class BadInputTest {

    private static final String HEADERS = "From: Shop <shop@example.com>\r\nTo: user@example.org\r\n"
            + "Subject: Your cart\r\nDate: Mon, 20 Apr 2026 06:00:00 +0000\r\nMIME-Version: 1.0\r\n";

    @Test
    void a_multipart_without_its_closing_boundary_is_delivered_unchanged() {
        byte[] raw = DeliveredMail.resource("malformed-missing-boundary.eml");

        TrackableMessage message = TrackableMessage.parse(raw);

        assertThat(message.status()).isEqualTo(RewriteStatus.MALFORMED_MIME);
        assertThat(message.statusDetail()).contains("--cart-alt--");
        assertThat(message.links()).isEmpty();
        assertThat(message.render(TestUrls.forRecipient("user"))).isEqualTo(raw);
    }

    @Test
    void an_unknown_charset_is_delivered_unchanged() {
        byte[] raw = DeliveredMail.resource("unknown-charset.eml");

        TrackableMessage message = TrackableMessage.parse(raw);

        assertThat(message.status()).isEqualTo(RewriteStatus.UNSUPPORTED_CHARSET);
        assertThat(message.statusDetail()).contains("x-legacy-ebcdic-42");
        assertThat(message.render(TestUrls.forRecipient("user"))).isEqualTo(raw);
    }

    @Test
    void a_multipart_without_boundary_parameter_is_malformed() {
        byte[] raw = (HEADERS + "Content-Type: multipart/alternative\r\n\r\n--x\r\n\r\nhi\r\n--x--\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        assertThat(TrackableMessage.parse(raw).status()).isEqualTo(RewriteStatus.MALFORMED_MIME);
    }

    @Test
    void a_uuencoded_body_is_not_rewritten() {
        byte[] raw = (HEADERS + "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n"
                + "begin 644 cart.txt\r\n`\r\nend\r\n").getBytes(StandardCharsets.US_ASCII);

        TrackableMessage message = TrackableMessage.parse(raw);

        assertThat(message.status()).isEqualTo(RewriteStatus.UNSUPPORTED_TRANSFER_ENCODING);
        assertThat(message.statusDetail()).contains("x-uuencode");
    }

    @Test
    void broken_base64_is_malformed() {
        byte[] raw = (HEADERS + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "PGEgaHJlZj0iaHR0cHM6Ly9leGFtcGxlLmNvbS8iPng8L2E+=A\r\n").getBytes(StandardCharsets.US_ASCII);

        assertThat(TrackableMessage.parse(raw).status()).isEqualTo(RewriteStatus.MALFORMED_MIME);
    }

    @Test
    void a_message_with_only_an_attachment_has_nothing_to_track() {
        byte[] raw = (HEADERS + "Content-Type: application/pdf; name=cart.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "JVBERi0xLjQK\r\n").getBytes(StandardCharsets.US_ASCII);

        assertThat(TrackableMessage.parse(raw).status()).isEqualTo(RewriteStatus.NO_BODY_PART);
    }

    @Test
    void tracks_what_it_can_in_broken_html_and_changes_nothing_else() {
        String html = "<table><tr><td><a href=\"https://shop.example.com/cart?id=1&amp;x=2\">Cart</td>\r\n"
                + "<p><b><a href='https://shop.example.com/help'>help</b></a>\r\n"
                + "<a href=\"https://shop.example.com/unterminated>never closed</a>\r\n"
                + "<div <a href=https://shop.example.com/odd>odd</a></p></p></html></body>\r\n";
        byte[] raw = (HEADERS + "Content-Type: text/html; charset=utf-8\r\n\r\n" + html).getBytes(StandardCharsets.UTF_8);
        TrackableMessage message = TrackableMessage.parse(raw);
        TestUrls user = TestUrls.forRecipient("user");

        byte[] delivered = message.render(user);

        assertThat(message.status()).isEqualTo(RewriteStatus.REWRITABLE);
        assertThat(message.links()).extracting(TrackedLink::targetUrl).contains(
                "https://shop.example.com/cart?id=1&x=2", "https://shop.example.com/help");
        DeliveredMail.of(raw, delivered).hasSameTopLevelHeaders().hasNoLineLongerThan998Octets()
                .differsOnlyByTracking("text/html", message.links(), user);
    }

    @Test
    void never_throws_on_garbage_or_on_a_damaged_newsletter() {
        byte[] newsletter = DeliveredMail.resource("newsletter-qp.eml");
        Random random = new Random(20260414);
        for (int round = 0; round < 400; round++) {
            byte[] damaged = damage(newsletter, random);
            TrackableMessage message = TrackableMessage.parse(damaged);
            byte[] delivered = message.render(TestUrls.forRecipient("r" + round));
            if (!message.status().isRewritable()) {
                assertThat(delivered).isEqualTo(damaged);
            } else {
                DeliveredMail.of(damaged, delivered).hasSameTopLevelHeaders();
                // Without URLs only the data-msys-* attributes and opt-out suffixes go: every link found is
                // still there (and the opted-out ones are now plain links).
                TrackableMessage again = TrackableMessage.parse(message.render(RecipientUrls.untracked()));
                assertThat(again.links()).extracting(TrackedLink::targetUrl)
                        .containsSubsequence(message.links().stream().map(TrackedLink::targetUrl).toList());
            }
        }
        assertThat(TrackableMessage.parse(new byte[0]).status()).isNotNull();
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        assertThat(TrackableMessage.parse(noise).render(RecipientUrls.untracked())).isEqualTo(noise);
    }

    @Test
    void a_message_above_the_size_cap_is_too_large() {
        byte[] huge = new byte[TrackableMessage.MAX_MESSAGE_BYTES + 1];
        Arrays.fill(huge, (byte) 'a');

        assertThat(TrackableMessage.parse(huge).status()).isEqualTo(RewriteStatus.TOO_LARGE);
    }

    private static byte[] damage(byte[] message, Random random) {
        byte[] copy = message.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                return Arrays.copyOf(copy, random.nextInt(copy.length));
            }
            case 1 -> {
                for (int i = 0; i < 1 + random.nextInt(20); i++) {
                    copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                }
                return copy;
            }
            case 2 -> {
                int from = random.nextInt(copy.length);
                int to = Math.min(copy.length, from + random.nextInt(400));
                byte[] out = new byte[copy.length - (to - from)];
                System.arraycopy(copy, 0, out, 0, from);
                System.arraycopy(copy, to, out, from, copy.length - to);
                return out;
            }
            default -> {
                int at = random.nextInt(copy.length);
                byte[] insert = "=\r\n<a href='https://x.example/?a=1&amp;b'\"=3D=ZZ\r\n--=_nw_alt_5f3a\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1);
                byte[] out = new byte[copy.length + insert.length];
                System.arraycopy(copy, 0, out, 0, at);
                System.arraycopy(insert, 0, out, at, insert.length);
                System.arraycopy(copy, at, out, at + insert.length, copy.length - at);
                return out;
            }
        }
    }
}
