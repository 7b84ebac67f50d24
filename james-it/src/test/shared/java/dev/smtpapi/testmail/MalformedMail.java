package dev.smtpapi.testmail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Malformed MIME of the kinds found in real mail, made by a seeded generator so that a failure can be replayed:
 * broken, missing, reused and near-miss boundaries; missing or doubled {@code Content-Type}; bad transfer
 * encodings; truncated parts; NUL and 8-bit bytes in headers and bodies; a header block with no blank line
 * after it. Every message is otherwise one that SMTP carries: CRLF line ends, lines under 998 octets, no bare
 * CR or LF, and no line that is a lone dot.
 *
 * <p>Each message has a unique subject ({@code Malformed <run> #<n> <shape>}) to find it again, a {@code Bcc}
 * header (see {@link Bcc}; the {@code RemoveMimeHeader bcc} mailet that James's configuration runs first
 * removes it), and an {@code X-MSYS-API} header that leaves the body untracked: either tracking off, or click
 * tracking only on a body without links. So the body delivered must be the body sent.
 *
 * <p>Shared by the in-process James 3.9 tests ({@code james-it}) and the James 3.8.1 end-to-end tests
 * ({@code e2e}); plain Java, no mail library.
 */
public final class MalformedMail {

    /** The kinds of damage, one per message in turn. */
    public enum Shape {
        MULTIPART_WITHOUT_BOUNDARY,
        BOUNDARY_NEVER_OCCURS,
        NEAR_MISS_BOUNDARY,
        NESTED_REUSES_PARENT_BOUNDARY,
        MISSING_CLOSING_BOUNDARY,
        TRUNCATED_PART,
        NO_CONTENT_TYPE_BUT_MULTIPART_BODY,
        DOUBLED_CONTENT_TYPE,
        UNKNOWN_TRANSFER_ENCODING,
        BROKEN_BASE64,
        BROKEN_QUOTED_PRINTABLE,
        NUL_AND_8BIT_IN_HEADERS,
        NUL_AND_8BIT_IN_BODY,
        NO_BLANK_LINE_AFTER_HEADERS,
        EMPTY_BOUNDARY_PARAMETER,
        UNBALANCED_QUOTES_IN_CONTENT_TYPE,
        BOUNDARY_TOO_LONG,
        ONLY_A_CLOSING_DELIMITER
    }

    /** One generated message: what was damaged, its subject, and its bytes as they are sent. */
    public record Message(int number, Shape shape, String subject, byte[] bytes) {
        /** The body as sent: everything after the first empty line; empty when there is none. */
        public byte[] body() {
            return bodyOf(bytes);
        }
    }

    private static final String[] WORDS = {"invoice", "shipment", "order", "your", "account", "summary", "weekly",
        "report", "attached", "please", "find", "regards", "team", "update", "delivery", "reference", "total",
        "balance", "customer", "notice"};
    private static final String[] X_MSYS_API = {
        "{\"options\":{\"open_tracking\":false,\"click_tracking\":false}}",
        "{\"campaign_id\":\"malformed\",\"options\":{\"open_tracking\":false,\"click_tracking\":true}}"};

    /** Which messages get a {@code Bcc} header. */
    public enum Bcc {
        /** Every message: the shipped {@code RemoveMimeHeader bcc} changes each one. */
        EVERY,
        /**
         * Half of them: James 3.9's {@code RemoveMimeHeader} saves what it changed, after which Jakarta Mail never
         * rebuilds the message, so a test of a mailet that changes a header without saving needs the other half.
         */
        HALF
    }

    private final Random random;
    private final String run;
    private final Bcc bcc;

    private MalformedMail(long seed, String run, Bcc bcc) {
        this.random = new Random(seed);
        this.run = run;
        this.bcc = bcc;
    }

    /** {@code count} messages from {@code seed}; {@code run} goes into every subject to tell runs apart. */
    public static List<Message> generate(long seed, int count, String run, Bcc bcc) {
        MalformedMail generator = new MalformedMail(seed, run, bcc);
        List<Message> messages = new ArrayList<>(count);
        Shape[] shapes = Shape.values();
        for (int n = 0; n < count; n++) {
            messages.add(generator.message(n, shapes[n % shapes.length]));
        }
        return messages;
    }

    /** The bytes after the first empty line (CRLF CRLF, or a leading CRLF); empty when there is none. */
    public static byte[] bodyOf(byte[] message) {
        if (message.length >= 2 && message[0] == '\r' && message[1] == '\n') {
            return Arrays.copyOfRange(message, 2, message.length);
        }
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
                return Arrays.copyOfRange(message, i + 4, message.length);
            }
        }
        return new byte[0];
    }

    private Message message(int number, Shape shape) {
        String subject = "Malformed " + run + " #" + number + " " + shape.name().toLowerCase().replace('_', '-');
        Mail mail = new Mail();
        mail.line("From: Billing <billing@shop.demo.local>");
        mail.line("To: customer-" + number + "@example.com");
        if (bcc == Bcc.EVERY || number / 2 % 2 == 0) {
            mail.line("Bcc: archive-" + number + "@shop.demo.local");
        }
        mail.line("Subject: " + subject);
        mail.line("Date: Tue, 1 Dec 2026 10:00:00 +0000");
        mail.line("Message-ID: <malformed-" + run + "-" + number + "@shop.demo.local>");
        mail.line("X-MSYS-API: " + X_MSYS_API[number % X_MSYS_API.length]);
        mail.line("MIME-Version: 1.0");
        String boundary = boundary();
        switch (shape) {
            case MULTIPART_WITHOUT_BOUNDARY -> {
                mail.line("Content-Type: multipart/alternative");
                mail.line("");
                alternativeParts(mail, boundary, true);
            }
            case BOUNDARY_NEVER_OCCURS -> {
                mail.line("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"");
                mail.line("");
                alternativeParts(mail, boundary(), true);
            }
            case NEAR_MISS_BOUNDARY -> {
                mail.line("Content-Type: multipart/alternative; boundary=\"" + boundary + "\"");
                mail.line("");
                alternativeParts(mail, nearMiss(boundary), true);
            }
            case NESTED_REUSES_PARENT_BOUNDARY -> {
                mail.line("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"");
                mail.line("");
                mail.line("--" + boundary);
                mail.line("Content-Type: multipart/alternative; boundary=\"" + boundary + "\"");
                mail.line("");
                alternativeParts(mail, boundary, false);
                mail.line("--" + boundary);
                textPart(mail, "text/plain");
                mail.line("--" + boundary + "--");
            }
            case MISSING_CLOSING_BOUNDARY -> {
                mail.line("Content-Type: multipart/alternative; boundary=" + boundary);
                mail.line("");
                alternativeParts(mail, boundary, false);
            }
            case TRUNCATED_PART -> {
                mail.line("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"");
                mail.line("");
                mail.line("--" + boundary);
                textPart(mail, "text/plain");
                mail.line("--" + boundary);
                mail.line("Content-Type: application/pdf; name=\"statement.pdf\"");
                mail.line("Content-Transfer-Encoding: base64");
                mail.line("Content-Disposition: attachment; filename=\"statement.pdf\"");
                mail.line("");
                mail.line(base64Line(random.nextInt(20) + 5));
                mail.raw(base64Line(10).substring(0, 7 + random.nextInt(20)));
                mail.line("");
            }
            case NO_CONTENT_TYPE_BUT_MULTIPART_BODY -> {
                mail.line("");
                alternativeParts(mail, boundary, true);
            }
            case DOUBLED_CONTENT_TYPE -> {
                mail.line("Content-Type: text/plain; charset=us-ascii");
                mail.line("Content-Type: multipart/alternative; boundary=\"" + boundary + "\"");
                mail.line("");
                alternativeParts(mail, boundary, random.nextBoolean());
            }
            case UNKNOWN_TRANSFER_ENCODING -> {
                mail.line("Content-Type: text/html; charset=utf-8");
                mail.line("Content-Transfer-Encoding: x-" + WORDS[random.nextInt(WORDS.length)]);
                mail.line("");
                html(mail);
            }
            case BROKEN_BASE64 -> {
                mail.line("Content-Type: multipart/alternative; boundary=\"" + boundary + "\"");
                mail.line("");
                mail.line("--" + boundary);
                mail.line("Content-Type: text/plain; charset=utf-8");
                mail.line("Content-Transfer-Encoding: base64");
                mail.line("");
                mail.line(base64Line(10).replace('A', '*') + "!!==" + base64Line(2));
                mail.line("=====");
                mail.line("--" + boundary);
                htmlPart(mail);
                mail.line("--" + boundary + "--");
            }
            case BROKEN_QUOTED_PRINTABLE -> {
                mail.line("Content-Type: text/plain; charset=iso-8859-1");
                mail.line("Content-Transfer-Encoding: quoted-printable");
                mail.line("");
                mail.line("Total =E9 due =ZZ today =");
                mail.line(sentence() + " =4");
                mail.line("=G1=" + sentence());
            }
            case NUL_AND_8BIT_IN_HEADERS -> {
                mail.line("X-Mailer: Kasse\u0000 2.0 \u00e9\u00fc\u00ff");
                mail.raw("Organization: Stra\u00dfe \u0000\u0001\u0080\u00ad GmbH\r\n");
                mail.line("Content-Type: text/plain; charset=\"\u00e9\u0000\"");
                mail.line("");
                text(mail);
            }
            case NUL_AND_8BIT_IN_BODY -> {
                mail.line("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"");
                mail.line("");
                mail.line("--" + boundary);
                mail.line("Content-Type: text/plain");
                mail.line("");
                mail.line("Gr\u00fc\u00dfe \u0000 aus K\u00f6ln \u0080\u0099\u00ff " + sentence());
                mail.line("\u0000\u0000\u0000");
                mail.line("--" + boundary);
                mail.line("Content-Type: application/octet-stream");
                mail.line("Content-Transfer-Encoding: 8bit");
                mail.line("");
                mail.line(binaryLine());
                mail.line("--" + boundary + "--");
            }
            case NO_BLANK_LINE_AFTER_HEADERS -> {
                mail.line("Content-Type: text/plain; charset=us-ascii");
                mail.line(sentence());
                mail.line(sentence() + ": " + sentence());
            }
            case EMPTY_BOUNDARY_PARAMETER -> {
                mail.line("Content-Type: multipart/mixed; boundary=\"\"");
                mail.line("");
                alternativeParts(mail, boundary, true);
            }
            case UNBALANCED_QUOTES_IN_CONTENT_TYPE -> {
                mail.line("Content-Type: multipart/related; boundary=\"" + boundary + "; type=\"text/html");
                mail.line("");
                alternativeParts(mail, boundary, true);
            }
            case BOUNDARY_TOO_LONG -> {
                String longBoundary = boundary.repeat(4);
                mail.line("Content-Type: multipart/alternative; boundary=\"" + longBoundary + "\"");
                mail.line("");
                alternativeParts(mail, longBoundary.substring(0, 70), true);
            }
            case ONLY_A_CLOSING_DELIMITER -> {
                mail.line("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"");
                mail.line("");
                mail.line(sentence());
                mail.line("--" + boundary + "--");
            }
        }
        return new Message(number, shape, subject, mail.bytes());
    }

    private void alternativeParts(Mail mail, String boundary, boolean closed) {
        mail.line("This is a multi-part message in MIME format.");
        mail.line("");
        mail.line("--" + boundary);
        textPart(mail, "text/plain");
        mail.line("--" + boundary);
        htmlPart(mail);
        if (closed) {
            mail.line("--" + boundary + "--");
        }
    }

    private void textPart(Mail mail, String type) {
        mail.line("Content-Type: " + type + "; charset=utf-8");
        mail.line("");
        text(mail);
    }

    private void htmlPart(Mail mail) {
        mail.line("Content-Type: text/html; charset=utf-8");
        mail.line("Content-Transfer-Encoding: 7bit");
        mail.line("");
        html(mail);
    }

    private void text(Mail mail) {
        int lines = 1 + random.nextInt(6);
        for (int i = 0; i < lines; i++) {
            mail.line(sentence());
        }
    }

    private void html(Mail mail) {
        mail.line("<html><body>");
        int paragraphs = 1 + random.nextInt(4);
        for (int i = 0; i < paragraphs; i++) {
            mail.line("<p>" + sentence() + "</p>");
        }
        mail.line("</body></html>");
    }

    private String sentence() {
        int words = 3 + random.nextInt(10);
        StringBuilder sentence = new StringBuilder();
        for (int i = 0; i < words; i++) {
            sentence.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sentence.append('.').toString();
    }

    private String boundary() {
        StringBuilder boundary = new StringBuilder("----=_Part_");
        for (int i = 0; i < 16; i++) {
            boundary.append((char) ('a' + random.nextInt(26)));
        }
        return boundary.toString();
    }

    private String nearMiss(String boundary) {
        char[] chars = boundary.toCharArray();
        int at = chars.length - 1 - random.nextInt(8);
        chars[at] = chars[at] == 'z' ? 'y' : (char) (chars[at] + 1);
        return new String(chars);
    }

    private String base64Line(int groups) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < groups * 4; i++) {
            line.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return line.toString();
    }

    /** Bytes 0x00-0xFF without CR and LF, read as ISO-8859-1 chars. */
    private String binaryLine() {
        StringBuilder line = new StringBuilder();
        int length = 20 + random.nextInt(200);
        for (int i = 0; i < length; i++) {
            char c = (char) random.nextInt(256);
            line.append(c == '\r' || c == '\n' ? ' ' : c);
        }
        return line.toString();
    }

    /** A message being written: lines are ISO-8859-1 chars, one byte each, ended with CRLF. */
    private static final class Mail {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void line(String line) {
            raw(line);
            raw("\r\n");
        }

        void raw(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            out.write(bytes, 0, bytes.length);
        }

        byte[] bytes() {
            byte[] bytes = out.toByteArray();
            if (bytes.length < 2 || bytes[bytes.length - 1] != '\n') {
                return (new String(bytes, StandardCharsets.ISO_8859_1) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            }
            return bytes;
        }
    }
}
