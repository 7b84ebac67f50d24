package dev.smtpapi.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Parts in ISO-8859-1, windows-1252 and Shift_JIS keep their charset and every character. */
class CharsetRewriteTest {

    @Test
    void rewrites_an_iso_8859_1_text_part_and_a_windows_1252_html_part_in_their_own_charsets() {
        byte[] raw = DeliveredMail.resource("order-confirmation-latin1.eml");
        TrackableMessage message = TrackableMessage.parse(raw);
        TestUrls amelie = TestUrls.forRecipient("amelie");

        byte[] delivered = message.render(amelie);

        assertThat(message.status()).isEqualTo(RewriteStatus.REWRITABLE);
        assertThat(message.links()).extracting(TrackedLink::targetUrl).containsExactly(
                "https://suivi.cafe-creme.example/colis?ref=40-1187&lang=fr",
                "https://www.cafe-creme.example/compte/commandes/40-1187",
                "https://suivi.cafe-creme.example/colis?ref=40-1187&lang=fr");
        DeliveredMail mail = DeliveredMail.of(raw, delivered).hasSameMimeTree().hasNoLineLongerThan998Octets()
                .hasSameTopLevelHeaders().hasUntouchedOtherParts();
        assertThat(mail.differsOnlyByTracking("text/html", message.links(), amelie)).containsExactly(0, 1);
        assertThat(mail.differsOnlyByTracking("text/plain", message.links(), amelie)).containsExactly(2);
        assertThat(DeliveredMail.bodyText(delivered, "text/html")).contains("total 23,90 € (“livraison offerte”)");
        assertThat(DeliveredMail.bodyText(delivered, "text/plain")).contains("Merci pour votre commande nº 40-1187 chez Café Crème & Co.");
        assertThat(DeliveredMail.transferEncoding(delivered, "text/plain")).isEqualTo("8bit");
        // The 8bit part's bytes are ISO-8859-1 on the wire: é is one byte, 0xE9.
        assertThat(indexOf(delivered, "Caf\u00e9 Cr\u00e8me & Co.".getBytes(StandardCharsets.ISO_8859_1))).isPositive();
    }

    @Test
    void rewrites_shift_jis_parts_and_stops_a_text_url_at_the_japanese_that_follows_it() {
        byte[] raw = DeliveredMail.resource("shift-jis-campaign.eml");
        TrackableMessage message = TrackableMessage.parse(raw);
        TestUrls taro = TestUrls.forRecipient("taro");

        byte[] delivered = message.render(taro);

        assertThat(message.status()).isEqualTo(RewriteStatus.REWRITABLE);
        assertThat(message.links()).extracting(TrackedLink::targetUrl).containsExactly(
                "https://shop.sakura-tea.example/spring?utm=mail&item=表示",
                "https://shop.sakura-tea.example/contact",
                "https://shop.sakura-tea.example/spring?utm=mail",
                "https://shop.sakura-tea.example/contact");
        assertThat(message.links().get(1).name()).contains("お問い合わせ");
        DeliveredMail mail = DeliveredMail.of(raw, delivered).hasSameMimeTree().hasNoLineLongerThan998Octets()
                .hasSameTopLevelHeaders().hasUntouchedOtherParts();
        assertThat(mail.differsOnlyByTracking("text/html", message.links(), taro)).containsExactly(0, 1);
        assertThat(mail.differsOnlyByTracking("text/plain", message.links(), taro)).containsExactly(2, 3);
        assertThat(DeliveredMail.bodyText(delivered, "text/plain"))
                .contains("詳しくは" + taro.clickUrlOf(2) + "をご覧ください。")
                .contains("＼表示／ ソフト 予定 能力（機能）");
        assertThat(DeliveredMail.transferEncoding(delivered, "text/html")).isEqualTo("base64");
        assertThat(DeliveredMail.transferEncoding(delivered, "text/plain")).isEqualTo("8bit");
        // ソ (0x83 0x5C in Shift_JIS) has a backslash as second byte; it must still be there, unescaped.
        assertThat(indexOf(delivered, "ソフト 予定".getBytes(Charset.forName("Shift_JIS")))).isPositive();
    }

    @Test
    void refuses_a_part_whose_bytes_are_not_valid_in_its_charset() {
        byte[] raw = ("From: a@example.jp\r\nTo: b@example.jp\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "See https://example.jp/a \u0000").getBytes(StandardCharsets.ISO_8859_1);
        raw[raw.length - 1] = (byte) 0x81; // a lead byte with no trail byte

        TrackableMessage message = TrackableMessage.parse(raw);

        assertThat(message.status()).isEqualTo(RewriteStatus.CHARSET_DOES_NOT_ROUND_TRIP);
        assertThat(message.statusDetail()).contains("Shift_JIS");
        assertThat(message.render(TestUrls.forRecipient("x"))).isEqualTo(raw);
    }

    @Test
    void reads_an_undeclared_or_us_ascii_charset_byte_for_byte() {
        byte[] raw = ("From: a@example.com\r\nTo: b@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/html\r\n\r\n<p>Caf\u00e9 <a href=\"https://example.com/menu\">menu</a></p>\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        TrackableMessage message = TrackableMessage.parse(raw);

        byte[] delivered = message.render(TestUrls.forRecipient("r"));

        assertThat(message.status()).isEqualTo(RewriteStatus.REWRITABLE);
        assertThat(new String(delivered, StandardCharsets.ISO_8859_1)).contains(
                "<p>Caf\u00e9 <a href=\"https://t.example.net/c/r-0\">menu</a></p><img border=\"0\" width=\"1\" height=\"1\" alt=\"\" src=\"https://t.example.net/q/r\">\r\n");
    }

    @Test
    void refuses_a_charset_that_is_not_ascii_compatible() {
        byte[] raw = ("From: a@example.com\r\nTo: b@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/html; charset=UTF-16\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + java.util.Base64.getMimeEncoder().encodeToString(
                        "<a href=\"https://example.com/\">x</a>".getBytes(StandardCharsets.UTF_16)) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        assertThat(TrackableMessage.parse(raw).status()).isEqualTo(RewriteStatus.UNSUPPORTED_CHARSET);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
