package dev.smtpapi.benchmarks.rewrite;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark's newsletter: about 100 KB of HTML with 60 links, made of email-framework table rows, and a
 * text part with 10 links, both quoted-printable UTF-8 in a multipart/alternative. Quoted-printable encoding
 * is Jakarta Mail's, as a sending application would produce it. The pieces are kept apart so the naive
 * baseline can re-encode each part and put the message back together.
 */
public final class NewsletterFixture {

    static final String HEAD = "From: Northwind Outdoor <news@northwind-outdoor.example>\r\n"
            + "To: reader@example.org\r\nSubject: Spring Sale\r\nDate: Tue, 14 Apr 2026 09:30:00 +0200\r\n"
            + "Message-ID: <bench-1@northwind-outdoor.example>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/alternative; boundary=\"=_alt\"\r\n\r\n--=_alt\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    static final String MIDDLE = "\r\n--=_alt\r\nContent-Type: text/html; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    static final String TAIL = "\r\n--=_alt--\r\n";

    final String html;
    final String text;
    final byte[] textEncoded;
    final byte[] htmlEncoded;
    final byte[] message;
    final int htmlStart;

    public NewsletterFixture() {
        html = html();
        text = text();
        textEncoded = quotedPrintable(text);
        htmlEncoded = quotedPrintable(html);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HEAD.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(textEncoded);
        out.writeBytes(MIDDLE.getBytes(StandardCharsets.US_ASCII));
        htmlStart = out.size();
        out.writeBytes(htmlEncoded);
        out.writeBytes(TAIL.getBytes(StandardCharsets.US_ASCII));
        message = out.toByteArray();
    }

    /** The whole message: 112 KB, 60 HTML links and 10 text links, quoted-printable. */
    public byte[] message() {
        return message.clone();
    }

    private static String html() {
        StringBuilder html = new StringBuilder("""
                <!doctype html>
                <html xmlns="http://www.w3.org/1999/xhtml" xmlns:v="urn:schemas-microsoft-com:vml">
                <head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
                <title>Northwind Outdoor — Spring Sale</title>
                <!--[if mso]><noscript><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml></noscript><![endif]-->
                <style type="text/css">table, td { border-collapse:collapse; } .mj-column-per-50 { width:50% !important; }</style>
                </head>
                <body style="word-spacing:normal;background-color:#F4F4F4;">
                <div style="background-color:#F4F4F4;">
                """);
        String copy = "Waterproof to 3000 mm, taped seams, two doors and vestibules, packs down to the size of a "
                + "loaf of bread — our best-selling shelter for long weekends in the hills. ";
        for (int row = 0; row < 28; row++) {
            html.append("""
                    <!--[if mso | IE]><table align="center" border="0" cellpadding="0" cellspacing="0" style="width:600px;" width="600"><tr><td><![endif]-->
                    <table align="center" border="0" cellpadding="0" cellspacing="0" role="presentation" style="width:100%;">
                    <tbody><tr>
                    <td class="mj-column-per-50" style="font-size:0px;padding:10px 25px;word-break:break-word;">
                    <a href="https://www.northwind-outdoor.example/p/item-""").append(row)
                    .append("?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=spring-sale\" data-msys-linkname=\"product-")
                    .append(row).append("\" target=\"_blank\"><img alt=\"Product ").append(row)
                    .append("\" src=\"https://cdn.northwind-outdoor.example/p/").append(row)
                    .append(".jpg\" width=\"250\" style=\"border:0;display:block;outline:none;\"></a>\n</td>\n")
                    .append("<td class=\"mj-column-per-50\" style=\"font-family:Helvetica,Arial,sans-serif;font-size:14px;\">\n<p>")
                    .append(copy.repeat(16)).append("</p>\n<a href='https://www.northwind-outdoor.example/cart/add?sku=NW-")
                    .append(1000 + row).append("&amp;qty=1' style=\"background:#2E7D32;color:#fff;\">Add to cart</a>\n")
                    .append("</td>\n</tr></tbody></table>\n<!--[if mso | IE]></td></tr></table><![endif]-->\n");
        }
        html.append("""
                <p style="font-size:11px;color:#888888;">
                <a href="https://www.northwind-outdoor.example/stores">Stores</a> ·
                <a href="https://www.northwind-outdoor.example/help">Help</a> ·
                <a href="https://www.northwind-outdoor.example/account/preferences?u=8812&amp;t=a1b2c3">Preferences</a> ·
                <a href="https://www.northwind-outdoor.example/unsubscribe?u=8812&amp;t=a1b2c3" data-msys-unsubscribe="1">Unsubscribe</a>
                </p>
                </div>
                </body>
                </html>
                """);
        return html.toString().replace("\n", "\r\n");
    }

    private static String text() {
        StringBuilder text = new StringBuilder("NORTHWIND OUTDOOR — SPRING SALE\n\nUp to 40% off this weekend only.\n\n");
        for (int i = 0; i < 10; i++) {
            text.append("Item ").append(i).append(": https://www.northwind-outdoor.example/p/item-").append(i)
                    .append("?utm_source=newsletter&utm_medium=email\n");
        }
        return text.append("\nUnsubscribe at any time from your account page.\n").toString().replace("\n", "\r\n");
    }

    static byte[] quotedPrintable(String content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length() * 11 / 10);
        try (OutputStream encoder = MimeUtility.encode(out, "quoted-printable")) {
            encoder.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
