package dev.smtpapi.mailet;

import com.sun.management.ThreadMXBean;
import dev.smtpapi.rewrite.TrackableMessage;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * How much memory the mailet spends reading a large message before it parses it, as a multiple of the message
 * size: {@link MessageBytes#read} (header lines plus the raw body, into one array of the right size) against
 * the former way, in the same run ({@code writeTo} into a growing buffer, {@code toByteArray}, then a copy
 * without the X-MSYS-API header). Counted as bytes allocated by the reading thread, which is what a spool
 * thread makes the heap hold at its peak: every one of those arrays is alive until the read returns.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.smtpapi.mailet.MessageReadMemory [MB]}.
 */
public final class MessageReadMemory {
    private MessageReadMemory() {
    }

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        byte[] raw = message(megabytes);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int round = 0; round < 3; round++) {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                    new SharedByteArrayInputStream(raw));
            // As James holds it after an earlier mailet: a header changed.
            message.addHeader("X-Received-By", "benchmark");

            long before = threads.getThreadAllocatedBytes(thread);
            byte[] ours = MessageBytes.read(message, "X-MSYS-API");
            long oursAllocated = threads.getThreadAllocatedBytes(thread) - before;

            before = threads.getThreadAllocatedBytes(thread);
            ByteArrayOutputStream written = new ByteArrayOutputStream();
            message.writeTo(written);
            byte[] former = TrackableMessage.withoutHeader(written.toByteArray(), "X-MSYS-API");
            long formerAllocated = threads.getThreadAllocatedBytes(thread) - before;

            if (ours.length != former.length) {
                throw new IllegalStateException("the two reads differ: " + ours.length + " vs " + former.length);
            }
            System.out.printf("round %d: message %,d bytes; MessageBytes.read allocated %,d bytes (%.2f x); "
                    + "writeTo + toByteArray + withoutHeader allocated %,d bytes (%.2f x)%n", round, raw.length,
                    oursAllocated, (double) oursAllocated / raw.length, formerAllocated,
                    (double) formerAllocated / raw.length);
        }
    }

    /** A newsletter of about {@code megabytes} MB: one HTML part of many table rows, with an X-MSYS-API header. */
    private static byte[] message(int megabytes) {
        StringBuilder message = new StringBuilder("From: news@northwind-outdoor.example\r\nTo: reader@example.org\r\n"
                + "Subject: Big\r\nX-MSYS-API: {\"options\":{\"open_tracking\":true}}\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><table>\r\n");
        int row = 0;
        while (message.length() < megabytes * 1_000_000) {
            message.append("<tr><td><a href=\"https://shop.example.com/p/").append(row++)
                    .append("\">A product from our range</a>, with free delivery and returns.</td></tr>\r\n");
        }
        message.append("</table></body></html>\r\n");
        return message.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
