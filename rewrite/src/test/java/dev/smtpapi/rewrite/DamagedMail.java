package dev.smtpapi.rewrite;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Makes campaign mails the way broken senders and broken relays make them: a sound message of a random shape
 * (a single part, alternative, mixed with an attachment, related with an image, nested), then one to three
 * kinds of damage: a missing, changed, near-miss or reused boundary, a missing or doubled Content-Type, a bad
 * transfer encoding, a cut, NUL and 8-bit bytes in headers and bodies, a header block without its empty line,
 * flipped bytes, mixed line ends, endless lines. The same seed gives the same mails.
 *
 * <p>The mails carry no {@code data-msys-*} attribute and no opt-out suffix, so a copy rendered without URLs
 * must equal the input byte for byte.
 */
final class DamagedMail {

    private static final List<String> DAMAGES = List.of("no-boundary", "other-boundary", "near-miss-boundary",
            "no-content-type", "double-content-type", "bad-transfer-encoding", "cut", "nul-and-8bit", "no-empty-line",
            "flipped-bytes", "mixed-line-ends", "endless-line", "no-closing-boundary");

    private final Random random;

    DamagedMail(long seed) {
        this.random = new Random(seed);
    }

    /** The next mail: a sound one of a random shape with one to three kinds of damage. */
    byte[] next() {
        String boundary = "=_nw_" + Integer.toHexString(random.nextInt(1 << 20));
        String message = headers() + body(boundary, random.nextInt(5), boundary);
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            message = damage(message, boundary);
        }
        return latin1OrBinary(message);
    }

    private String headers() {
        return "Return-Path: <bounces@northwind-outdoor.example>\r\n"
                + "From: Northwind News <news@northwind-outdoor.example>\r\nTo: ana@example.org\r\n"
                + "Subject: Spring sale " + random.nextInt(1000) + "\r\nDate: Mon, 20 Apr 2026 06:00:00 +0000\r\n"
                + "Message-ID: <" + random.nextInt() + "@northwind-outdoor.example>\r\nMIME-Version: 1.0\r\n";
    }

    private String body(String boundary, int shape, String parentBoundary) {
        return switch (shape) {
            case 0 -> htmlPart();
            case 1 -> textPart();
            case 2 -> multipart("alternative", boundary, textPart(), htmlPart());
            case 3 -> multipart("mixed", boundary,
                    multipartPart("alternative", boundary + "a", textPart(), htmlPart()), attachment());
            default -> multipart("related", boundary,
                    // a nested multipart that may reuse its parent's boundary
                    multipartPart("alternative", random.nextInt(4) == 0 ? parentBoundary : boundary + "r",
                            textPart(), htmlPart()),
                    image());
        };
    }

    private static String multipart(String subtype, String boundary, String... parts) {
        return "Content-Type: multipart/" + subtype + "; boundary=\"" + boundary + "\"\r\n\r\n"
                + "This is a multi-part message in MIME format.\r\n" + joined(boundary, parts);
    }

    private static String multipartPart(String subtype, String boundary, String... parts) {
        return "Content-Type: multipart/" + subtype + "; boundary=\"" + boundary + "\"\r\n\r\n" + joined(boundary, parts);
    }

    private static String joined(String boundary, String... parts) {
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            out.append("--").append(boundary).append("\r\n").append(part).append("\r\n");
        }
        return out.append("--").append(boundary).append("--\r\n").toString();
    }

    private String htmlPart() {
        String html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Sale</title></head><body>\r\n"
                + "<table><tr><td><a href=\"https://www.northwind-outdoor.example/sale?c=tents&amp;s=" + random.nextInt(99)
                + "\">Shop tents</a></td></tr>\r\n<tr><td><a href='https://www.northwind-outdoor.example/p/ridgeline'>"
                + "Ridgeline 2</a> and <a href=https://www.northwind-outdoor.example/p/summit>Summit</a></td></tr>\r\n"
                + "<!--[if mso]><a href=\"https://www.northwind-outdoor.example/outlook\">Outlook</a><![endif]-->\r\n"
                + "<tr><td>Questions? <a href=\"mailto:help@northwind-outdoor.example\">Write to us</a> or see "
                + "<a href=\"https://www.northwind-outdoor.example/help?from=news&amp;to=faq\">the help pages</a>.</td></tr>"
                + "</table>\r\n</body></html>\r\n";
        return switch (random.nextInt(4)) {
            case 0 -> "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + html;
            case 1 -> "Content-Type: text/html; charset=\"iso-8859-1\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                    + html.replace("Shop tents", "Zelte für Sie");
            case 2 -> "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                    + quotedPrintable(html);
            default -> "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                    + base64(html);
        };
    }

    private String textPart() {
        String text = "Spring sale: https://www.northwind-outdoor.example/sale?c=tents&s=" + random.nextInt(99) + "\r\n"
                + "(see https://www.northwind-outdoor.example/p/ridgeline) and _https://www.northwind-outdoor.example/p/summit_.\r\n"
                + "Unsubscribe: <https://www.northwind-outdoor.example/unsubscribe?u=8812>\r\n";
        return random.nextBoolean()
                ? "Content-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n" + text
                : "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                        + quotedPrintable(text);
    }

    private String attachment() {
        byte[] pdf = new byte[200 + random.nextInt(400)];
        random.nextBytes(pdf);
        return "Content-Type: application/pdf; name=\"invoice.pdf\"\r\nContent-Disposition: attachment; "
                + "filename=\"invoice.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64Lines(pdf);
    }

    private String image() {
        byte[] png = new byte[100 + random.nextInt(200)];
        random.nextBytes(png);
        return "Content-Type: image/png\r\nContent-ID: <logo@northwind>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + base64Lines(png);
    }

    private String damage(String message, String boundary) {
        String kind = DAMAGES.get(random.nextInt(DAMAGES.size()));
        return switch (kind) {
            case "no-boundary" -> message.replaceFirst("; boundary=\"[^\"]*\"", "");
            case "other-boundary" -> message.replaceFirst("boundary=\"" + quoted(boundary) + "\"", "boundary=\"elsewhere\"");
            case "near-miss-boundary" -> message.replaceFirst("boundary=\"" + quoted(boundary) + "\"",
                    "boundary=\"" + boundary.substring(0, boundary.length() - 1) + "X\"");
            case "no-content-type" -> message.replaceFirst("(?m)^Content-Type: [^\r\n]*\r\n", "");
            case "double-content-type" -> message.replaceFirst("(?m)^(Content-Type: [^\r\n]*\r\n)",
                    random.nextBoolean() ? "$1$1" : "$1Content-Type: text/plain; charset=us-ascii\r\n");
            case "bad-transfer-encoding" -> badTransferEncoding(message);
            case "cut" -> message.substring(0, random.nextInt(message.length() + 1));
            case "nul-and-8bit" -> insertAtRandom(message, random.nextBoolean() ? "\0" : "\u00e9\u00ff\u0080", 1 + random.nextInt(6));
            case "no-empty-line" -> removeEmptyLine(message);
            case "flipped-bytes" -> flipBytes(message);
            case "mixed-line-ends" -> message.replaceAll(random.nextBoolean() ? "\r\n" : "\r\n(?=--)", "\n");
            case "endless-line" -> insertAtRandom(message, "x".repeat(1000 + random.nextInt(3000)), 1);
            default -> message.replace("--" + boundary + "--", "");
        };
    }

    private String badTransferEncoding(String message) {
        return switch (random.nextInt(4)) {
            case 0 -> message.replaceFirst("Content-Transfer-Encoding: [^\r\n]*", "Content-Transfer-Encoding: x-uuencode");
            case 1 -> message.replaceFirst("Content-Transfer-Encoding: (7bit|8bit|quoted-printable)",
                    "Content-Transfer-Encoding: base64");
            case 2 -> message.replaceFirst("Content-Transfer-Encoding: base64\r\n\r\n",
                    "Content-Transfer-Encoding: base64\r\n\r\n!!not*base64==\r\n");
            default -> message.replaceFirst("Content-Transfer-Encoding: quoted-printable\r\n\r\n",
                    "Content-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=4=\r\n");
        };
    }

    private String removeEmptyLine(String message) {
        int at = -1;
        for (int i = random.nextInt(3); i >= 0; i--) {
            int next = message.indexOf("\r\n\r\n", at + 1);
            if (next < 0) {
                break;
            }
            at = next;
        }
        return at < 0 ? message : message.substring(0, at) + message.substring(at + 2);
    }

    private String flipBytes(String message) {
        if (message.isEmpty()) {
            return message;
        }
        char[] chars = message.toCharArray();
        for (int i = 1 + random.nextInt(12); i > 0; i--) {
            chars[random.nextInt(chars.length)] = (char) random.nextInt(256);
        }
        return new String(chars);
    }

    private String insertAtRandom(String message, String insert, int times) {
        String out = message;
        for (int i = 0; i < times; i++) {
            int at = random.nextInt(out.length() + 1);
            out = out.substring(0, at) + insert + out.substring(at);
        }
        return out;
    }

    private static String quoted(String boundary) {
        return java.util.regex.Pattern.quote(boundary);
    }

    private static String quotedPrintable(String text) {
        StringBuilder out = new StringBuilder();
        int column = 0;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            String piece = c == '\r' || c == '\n' ? String.valueOf((char) c)
                    : c == '=' || c > 126 ? String.format("=%02X", c) : String.valueOf((char) c);
            if (column + piece.length() > 75 && c != '\r' && c != '\n') {
                out.append("=\r\n");
                column = 0;
            }
            out.append(piece);
            column = c == '\n' ? 0 : column + piece.length();
        }
        return out.toString();
    }

    private static String base64(String text) {
        return base64Lines(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String base64Lines(byte[] bytes) {
        return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes) + "\r\n";
    }

    /** Characters up to U+00FF are the bytes themselves (the generated mails are made of such characters). */
    private static byte[] latin1OrBinary(String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length());
        for (int i = 0; i < message.length(); i++) {
            out.write(message.charAt(i));
        }
        return out.toByteArray();
    }
}
