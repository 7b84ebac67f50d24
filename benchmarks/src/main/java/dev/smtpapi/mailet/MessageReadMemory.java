package dev.smtpapi.mailet;

import com.sun.management.ThreadMXBean;
import dev.smtpapi.rewrite.RecipientUrls;
import dev.smtpapi.rewrite.TrackableMessage;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * How much memory the mailet spends reading a large message before it parses it, as a multiple of the message
 * size: {@link MessageBytes#read} (header lines plus the raw body, into one array of the right size) against
 * the former way, in the same run ({@code writeTo} into a growing buffer, {@code toByteArray}, then a copy
 * without the X-MSYS-API header). Counted as bytes allocated by the reading thread, which is what a spool
 * thread makes the heap hold at its peak: every one of those arrays is alive until the read returns.
 *
 * <p>Then what the mailet holds while it splits the message: the bytes read, the engine's parsed message and one
 * rendered copy, as the heap live after a full collection with all three still reachable, above what was live
 * before the read, for the largest message still rewritten (16 MB). {@link TrackableMessage#adopt} (the mailet's way: the engine takes the bytes read) against
 * {@link TrackableMessage#parse} (the engine clones them first), in the same run.
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
        // The largest message still rewritten: its HTML part just under the default 16 MiB part limit.
        byte[] largest = message(Math.min(megabytes, 16));
        for (int round = 0; round < 3; round++) {
            long adopted = heldDuringSplit(largest, TrackableMessage::adopt);
            long parsed = heldDuringSplit(largest, TrackableMessage::parse);
            System.out.printf("round %d: message %,d bytes held while splitting (read + engine + one rendered "
                    + "copy): adopt %,d bytes (%.2f x the message), parse %,d bytes (%.2f x)%n", round,
                    largest.length, adopted, (double) adopted / largest.length, parsed,
                    (double) parsed / largest.length);
        }
    }

    /** Heap live with the mailet's bytes, the engine's message and one rendered copy reachable, above before. */
    private static long heldDuringSplit(byte[] raw, Function<byte[], TrackableMessage> engine) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                new SharedByteArrayInputStream(raw));
        message.addHeader("X-Received-By", "benchmark");
        long before = liveHeap();
        byte[] read = MessageBytes.read(message, "X-MSYS-API");
        TrackableMessage tracked = engine.apply(read);
        if (!tracked.status().isRewritable()) {
            throw new IllegalStateException("not rewritable: " + tracked.statusDetail());
        }
        byte[] copy = tracked.render(new BenchUrls());
        long held = liveHeap() - before;
        Reference.reachabilityFence(read);
        Reference.reachabilityFence(tracked);
        Reference.reachabilityFence(copy);
        return held;
    }

    private static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Click URLs shaped like the mailet's, and an open pixel. */
    private static final class BenchUrls implements RecipientUrls {
        @Override
        public Optional<String> clickUrl(int linkIndex) {
            return Optional.of("https://click.example.com/f/a/AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g-" + linkIndex);
        }

        @Override
        public Optional<String> openPixelUrl() {
            return Optional.of("https://click.example.com/q/AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g");
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
