package dev.smtpapi.benchmarks.rewrite;

import com.sun.management.ThreadMXBean;
import dev.smtpapi.rewrite.TrackableMessage;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * What giving one recipient's copy its own List-Unsubscribe costs: {@link TrackableMessage#withHeaders} (the
 * sender's two fields dropped and the recipient's put first, one pass) against the former way in the same run
 * (two {@code withoutHeader} copies, then a third to put the new lines first). Bytes allocated and time per copy
 * of a message of the given size whose sender set both fields.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.smtpapi.benchmarks.rewrite.HeaderSwapCost [kilobytes] [copies]</pre>
 */
public final class HeaderSwapCost {
    private static final String LIST = "List-Unsubscribe";
    private static final String POST = "List-Unsubscribe-Post";

    private HeaderSwapCost() {
    }

    public static void main(String[] args) {
        int kilobytes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int copies = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        byte[] message = message(kilobytes);
        byte[] first = ("List-Unsubscribe: <https://t.example/u/abcdefghijklmnopqrstuvwxyz>\r\n"
                + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n").getBytes(StandardCharsets.US_ASCII);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long sink = 0;
        for (int round = 1; round <= 3; round++) {
            long bytes = threads.getThreadAllocatedBytes(thread);
            long start = System.nanoTime();
            for (int i = 0; i < copies; i++) {
                sink += TrackableMessage.withHeaders(message, first, LIST, POST).length;
            }
            long oursNanos = System.nanoTime() - start;
            long oursBytes = threads.getThreadAllocatedBytes(thread) - bytes;
            bytes = threads.getThreadAllocatedBytes(thread);
            start = System.nanoTime();
            for (int i = 0; i < copies; i++) {
                sink += former(message, first).length;
            }
            long formerNanos = System.nanoTime() - start;
            long formerBytes = threads.getThreadAllocatedBytes(thread) - bytes;
            System.out.printf("round %d, %d KB message: withHeaders %.0f bytes %.1f us per copy; former %.0f bytes "
                    + "%.1f us per copy; ratio bytes %.2f, time %.2f%n", round, kilobytes,
                    (double) oursBytes / copies, oursNanos / 1e3 / copies, (double) formerBytes / copies,
                    formerNanos / 1e3 / copies, (double) oursBytes / formerBytes, (double) oursNanos / formerNanos);
        }
        System.out.println("(checksum " + sink + ")");
    }

    private static byte[] former(byte[] message, byte[] first) {
        byte[] without = TrackableMessage.withoutHeader(TrackableMessage.withoutHeader(message, LIST), POST);
        byte[] copy = new byte[first.length + without.length];
        System.arraycopy(first, 0, copy, 0, first.length);
        System.arraycopy(without, 0, copy, first.length, without.length);
        return copy;
    }

    private static byte[] message(int kilobytes) {
        StringBuilder text = new StringBuilder("From: news@sender.example\r\nTo: reader@example.com\r\n"
                + "List-Unsubscribe: <mailto:u@sender.example>,\r\n <https://sender.example/u/1>\r\n"
                + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nSubject: news\r\n"
                + "Content-Type: text/html; charset=utf-8\r\n\r\n");
        while (text.length() < kilobytes * 1024) {
            text.append("<p>Autumn boots and a guide to leather care, <a href=\"https://shop.example.com/x\">here</a>.</p>\r\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
