package dev.smtpapi.benchmarks.e2e;

import dev.smtpapi.benchmarks.rewrite.NewsletterFixture;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Copies per second through a real James 3.8.1 with the mailet, from SMTP in to the SMTP sink out
 * ({@code benchmarks/e2e-throughput.sh} starts the stack and runs this).
 *
 * <p>Rounds alternate, after one warm-up round of each:
 * <ul>
 *   <li><b>tracked</b>: one mail, the 112 KB newsletter with 70 links, to 100 recipients of another domain,
 *       tracking on: the mailet stores its tag data, splits it into 100 copies with their own links and pixel,
 *       and RemoteDelivery hands each copy to the sink;</li>
 *   <li><b>untracked</b> (the baseline): the same newsletter as 100 single-recipient mails over one SMTP
 *       connection, with {@code X-MSYS-API} options turning tracking off and marking them transactional (so
 *       that a stack with {@code list_unsubscribe_enabled} stores nothing for them and adds no List-Unsubscribe
 *       header either), so James does the same delivery work for the same 100 copies without the mailet's.</li>
 * </ul>
 * A round's time runs from the first SMTP command to the 100th copy stored by the sink. Each round then checks
 * what it measured: every tracked copy has the open pixel, no untracked one has it.
 *
 * <p>Arguments: {@code <smtp port> <sink directory> [rounds of each, default 5] [recipients, default 100]}.
 */
public final class EndToEndThroughput {

    private static final long ROUND_TIMEOUT_MILLIS = 180_000;
    /** The open pixel's URL, in a quoted-printable part once its soft line breaks are taken out. */
    private static final Pattern PIXEL = Pattern.compile("src=3D\"http://127\\.0\\.0\\.1:\\d+/q/");

    private final Session session;
    private final Path sinkDirectory;
    private final byte[] newsletter = new NewsletterFixture().message();
    private final int recipients;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private EndToEndThroughput(int smtpPort, Path sinkDirectory, int recipients) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(smtpPort));
        properties.put("mail.smtp.localhost", "bench.demo.local");
        properties.put("mail.smtp.from", "news@demo.local");
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "60000");
        this.session = Session.getInstance(properties);
        this.sinkDirectory = sinkDirectory;
        this.recipients = recipients;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: EndToEndThroughput <smtp port> <sink directory> [rounds] [recipients]");
            System.exit(2);
        }
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int recipients = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        EndToEndThroughput bench = new EndToEndThroughput(Integer.parseInt(args[0]), Path.of(args[1]), recipients);
        System.out.printf("newsletter %d bytes, %d recipients, %d rounds of each after one warm-up round%n",
                bench.newsletter.length, recipients, rounds);
        bench.round("warm-up", true);
        bench.round("warm-up", false);
        double trackedSeconds = 0;
        double untrackedSeconds = 0;
        for (int i = 1; i <= rounds; i++) {
            trackedSeconds += bench.round("round " + i, true);
            untrackedSeconds += bench.round("round " + i, false);
        }
        double trackedRate = rounds * recipients / trackedSeconds;
        double untrackedRate = rounds * recipients / untrackedSeconds;
        System.out.printf("tracked   %.1f copies/s (%d copies in %.2f s)%n", trackedRate, rounds * recipients, trackedSeconds);
        System.out.printf("untracked %.1f copies/s (%d copies in %.2f s)%n", untrackedRate, rounds * recipients, untrackedSeconds);
        System.out.printf("ratio tracked / untracked: %.2f%n", trackedRate / untrackedRate);
    }

    /** One round; returns its seconds. */
    private double round(String name, boolean tracked) throws Exception {
        clearSink();
        String subject = "Spring Sale " + run + " " + name.replace(' ', '-') + (tracked ? " tracked" : " untracked");
        long start = System.nanoTime();
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            if (tracked) {
                transport.sendMessage(message(subject, true), addresses(0, recipients));
            } else {
                for (int r = 0; r < recipients; r++) {
                    transport.sendMessage(message(subject, false), addresses(r, r + 1));
                }
            }
        }
        awaitCopies(subject);
        double seconds = (System.nanoTime() - start) / 1e9;
        long withPixel = copiesWithPixel();
        if (withPixel != (tracked ? recipients : 0)) {
            throw new IllegalStateException(name + (tracked ? " tracked" : " untracked") + ": " + withPixel + " of "
                    + recipients + " copies carry the open pixel: not the case this benchmark measures");
        }
        System.out.printf("%-8s %-9s %3d copies in %6.2f s = %6.1f copies/s (%d with the pixel)%n", name,
                tracked ? "tracked" : "untracked", recipients, seconds, recipients / seconds, withPixel);
        return seconds;
    }

    private MimeMessage message(String subject, boolean tracked) throws MessagingException {
        String header = "X-MSYS-API: {\"campaign_id\":\"bench-" + run + "\",\"options\":{\"open_tracking\":" + tracked
                + ",\"click_tracking\":" + tracked + (tracked ? "" : ",\"transactional\":true") + "}}\r\n";
        String raw = new String(newsletter, StandardCharsets.ISO_8859_1)
                .replaceFirst("Subject: Spring Sale\r\n", "Subject: " + subject + "\r\n" + header);
        return new MimeMessage(session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static Address[] addresses(int from, int to) throws MessagingException {
        Address[] addresses = new Address[to - from];
        for (int r = from; r < to; r++) {
            addresses[r - from] = new InternetAddress("reader" + r + "@bench.example");
        }
        return addresses;
    }

    private void awaitCopies(String subject) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ROUND_TIMEOUT_MILLIS;
        while (storedCopies().size() < recipients) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("only " + storedCopies().size() + " of " + recipients + " copies of '"
                        + subject + "' reached the sink in " + ROUND_TIMEOUT_MILLIS / 1000 + " s");
            }
            Thread.sleep(5);
        }
    }

    private List<Path> storedCopies() {
        try (Stream<Path> files = Files.list(sinkDirectory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".eml")
                    && !file.getFileName().toString().startsWith(".")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long copiesWithPixel() throws IOException {
        long count = 0;
        for (Path copy : storedCopies()) {
            String text = Files.readString(copy, StandardCharsets.ISO_8859_1).replace("=\r\n", "");
            if (PIXEL.matcher(text).find()) {
                count++;
            }
        }
        return count;
    }

    private void clearSink() throws IOException {
        for (Path copy : storedCopies()) {
            Files.delete(copy);
        }
    }
}
