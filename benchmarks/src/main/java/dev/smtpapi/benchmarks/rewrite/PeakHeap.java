package dev.smtpapi.benchmarks.rewrite;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.smtpapi.rewrite.RecipientUrls;
import dev.smtpapi.rewrite.TrackableMessage;
import java.io.ByteArrayOutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Peak heap of parsing one hostile or huge mail ({@link TrackableMessage#adopt}, as the mailet does) and rendering
 * one recipient's copy, beside the message size.
 *
 * <pre>java -Xmx512m -cp benchmarks/target/benchmarks.jar dev.smtpapi.benchmarks.rewrite.PeakHeap [case...]</pre>
 *
 * Cases: {@code parts} (15 MB of 3 million empty MIME parts), {@code nesting} (multiparts 10,000 deep),
 * {@code header} (an endless 15 MB header), {@code catalogue} (16 MB of HTML with 7,000 links, the largest part the default limits rewrite),
 * {@code html60} (a 60 MB HTML part, over the part limit but under the 64 MiB cap). For each it prints the message size, the
 * status, the peak of the heap in use (all heap pools' peaks added up, garbage included, so an upper bound),
 * the most the heap held right after a collection (what was really live), and the same two figures for the
 * baseline measured in the same run: holding the message and one copy of it, which any handling of it costs.
 */
public final class PeakHeap {

    private static final List<String> CASES = List.of("parts", "nesting", "header", "catalogue", "html60");
    private static final AtomicLong maxAfterGc = new AtomicLong();

    private PeakHeap() {
    }

    public static void main(String[] args) {
        watchCollections();
        List<String> cases = args.length == 0 ? CASES : List.of(args);
        System.out.printf("max heap %d MiB%n", Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("%-10s %12s %-14s %14s %16s %14s %16s%n", "case", "bytes", "status", "peak MiB",
                "live after GC", "copy: peak", "copy: after GC");
        for (String name : cases) {
            byte[] raw = message(name);
            Measured copy = measure(() -> raw.clone().length > 0 ? "copied" : "");
            Measured rewrite = measure(() -> {
                // As the mailet does: the engine takes the bytes read without a copy of its own.
                TrackableMessage message = TrackableMessage.adopt(raw);
                message.render(new Urls());
                return message.status() + (message.status().isRewritable() ? "" : ": " + message.statusDetail());
            });
            System.out.printf("%-10s %12d %-14s %14.1f %16.1f %14.1f %16.1f   %s%n", name, raw.length,
                    rewrite.result.split(":")[0], mib(rewrite.peak), mib(rewrite.afterGc), mib(copy.peak),
                    mib(copy.afterGc), rewrite.result.contains(":") ? rewrite.result.substring(rewrite.result.indexOf(':') + 2) : "");
        }
    }

    private record Measured(String result, long peak, long afterGc) {
    }

    private interface Work {
        String run();
    }

    /** Heap in use above what was live before, at its peak and right after collections during the work. */
    private static Measured measure(Work work) {
        System.gc();
        long before = used(false);
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
        maxAfterGc.set(before);
        String result = work.run();
        long peak = used(true);
        System.gc();
        return new Measured(result, Math.max(0, peak - before), Math.max(0, maxAfterGc.get() - before));
    }

    private static long used(boolean peak) {
        long sum = 0;
        for (MemoryPoolMXBean pool : heapPools()) {
            MemoryUsage usage = peak ? pool.getPeakUsage() : pool.getUsage();
            sum += usage.getUsed();
        }
        return sum;
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .toList();
    }

    /** Records the heap in use after every collection but the explicit ones made by {@link #measure}. */
    private static void watchCollections() {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
                if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                if (info.getGcCause().equals("System.gc()")) {
                    return;
                }
                long after = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                        .mapToLong(MemoryUsage::getUsed).sum();
                maxAfterGc.accumulateAndGet(after, Math::max);
            }, null, null);
        }
    }

    private static double mib(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    private static final String HEADERS = "From: Northwind News <news@northwind-outdoor.example>\r\n"
            + "To: ana@example.org\r\nSubject: This week at Northwind\r\nMIME-Version: 1.0\r\n";

    static byte[] message(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (name) {
            case "parts" -> {
                out.writeBytes(ascii(HEADERS + "Content-Type: multipart/mixed; boundary=b\n\n"));
                byte[] empty = ascii("--b\n\n");
                for (int i = 0; i < 3_000_000; i++) {
                    out.writeBytes(empty);
                }
                out.writeBytes(ascii("--b--\n"));
            }
            case "nesting" -> {
                StringBuilder close = new StringBuilder();
                out.writeBytes(ascii(HEADERS));
                for (int level = 0; level < 10_000; level++) {
                    out.writeBytes(ascii("Content-Type: multipart/mixed; boundary=l" + level + "\r\n\r\n--l" + level + "\r\n"));
                    close.insert(0, "--l" + level + "--\r\n");
                }
                out.writeBytes(ascii("Content-Type: text/html\r\n\r\n<a href=\"https://x.example/\">x</a>\r\n" + close));
            }
            case "header" -> {
                out.writeBytes(ascii(HEADERS));
                byte[] line = ascii("X-Filler: " + "f".repeat(88) + "\r\n");
                for (int i = 0; i < 150_000; i++) {
                    out.writeBytes(line);
                }
            }
            case "catalogue" -> html(out, 7_000, 27);
            case "html60" -> html(out, 26_000, 27);
            default -> throw new IllegalArgumentException("unknown case " + name + "; cases: " + CASES);
        }
        return out.toByteArray();
    }

    private static void html(ByteArrayOutputStream out, int links, int repeat) {
        out.writeBytes(ascii(HEADERS + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "<!DOCTYPE html>\r\n<html><head><title>Catalogue</title></head>\r\n<body>\r\n"));
        String description = "Hand-finished oak, oiled twice, with brass fittings. Ships in three to five days. "
                .repeat(repeat);
        for (int i = 0; i < links; i++) {
            out.writeBytes(ascii("<table class=\"item\"><tr><td><a href=\"https://catalogue.example.com/item/" + i
                    + "?ref=cat&amp;page=" + i / 100 + "\">Item " + i + "</a></td><td>" + description
                    + "</td></tr></table>\r\n"));
        }
        out.writeBytes(ascii("</body>\r\n</html>\r\n"));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** One recipient's URLs, shaped like the mailet's. */
    private static final class Urls implements RecipientUrls {
        @Override
        public Optional<String> clickUrl(int linkIndex) {
            return Optional.of("https://click.example.com/f/a/AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e" + linkIndex);
        }

        @Override
        public Optional<String> openPixelUrl() {
            return Optional.of("https://click.example.com/q/AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e");
        }

        @Override
        public Optional<String> initialOpenPixelUrl() {
            return Optional.empty();
        }
    }
}
