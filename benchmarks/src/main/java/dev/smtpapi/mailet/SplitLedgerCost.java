package dev.smtpapi.mailet;

import dev.smtpapi.config.Options;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;

/**
 * What recording a split's progress ({@link CassandraSplitLedger}) costs per recipient: the mailet's worker
 * splits a newsletter (40 links, HTML and text) to 100 recipients, writing its tag data to Cassandra, once with
 * the ledger and once with a ledger that records nothing (the baseline), in alternating rounds of one run.
 * Copies go to a queue that drops them, so the numbers are the mailet's own work plus Cassandra's round trips.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.smtpapi.mailet.SplitLedgerCost [host] [port]
 * [rounds] [recipients]}; needs a running Cassandra.
 */
public final class SplitLedgerCost {
    private SplitLedgerCost() {
    }

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 9042;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int recipients = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        StoreSettings settings = StoreSettings.builder().contactPoint(host, port).keyspace("smtpapi_bench").build();
        Path keys = Files.createTempFile("smtpapi-bench", ".keys");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Files.writeString(keys, "1 " + Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n");
        MailetSettings configuration = MailetSettings.from(Options.from(Map.of(
                MailetSettings.SIGNING_KEYS_FILE, keys.toString(),
                MailetSettings.TRACKING_DOMAIN, "click.example.com",
                MailetSettings.OPEN_TRACKING_ENABLED, "true",
                MailetSettings.CLICK_TRACKING_ENABLED, "true")));
        TokenCodec codec = TokenCodec.of(SigningKeys.load(keys));
        CopyQueue dropped = (copy, processor) -> { };
        byte[] newsletter = newsletter();

        try (StoreConnection tags = new StoreConnection(settings)) {
            tags.connectInBackground();
            tags.get();
            MailSplitter recorded = new MailSplitter(configuration, codec, tags,
                    new CassandraSplitLedger(tags::session, settings), dropped,
                    new TrackingMetrics(Optional.empty()), Clock.systemUTC());
            MailSplitter unrecorded = new MailSplitter(configuration, codec, tags, new NoLedger(), dropped,
                    new TrackingMetrics(Optional.empty()), Clock.systemUTC());
            for (int warmup = 0; warmup < 5; warmup++) {
                split(recorded, newsletter, recipients);
                split(unrecorded, newsletter, recipients);
            }
            long recordedNanos = 0;
            long unrecordedNanos = 0;
            for (int round = 0; round < rounds; round++) {
                unrecordedNanos += split(unrecorded, newsletter, recipients);
                recordedNanos += split(recorded, newsletter, recipients);
            }
            double perRecipientRecorded = recordedNanos / 1_000.0 / rounds / recipients;
            double perRecipientUnrecorded = unrecordedNanos / 1_000.0 / rounds / recipients;
            System.out.printf("newsletter %,d bytes, %d recipients, %d rounds%n", newsletter.length, recipients,
                    rounds);
            System.out.printf("split without a ledger (baseline): %.1f us per recipient%n", perRecipientUnrecorded);
            System.out.printf("split with CassandraSplitLedger:    %.1f us per recipient%n", perRecipientRecorded);
            System.out.printf("cost of recording progress: %.1f us per recipient, ratio %.2f%n",
                    perRecipientRecorded - perRecipientUnrecorded, perRecipientRecorded / perRecipientUnrecorded);
        }
    }

    private static long split(MailSplitter worker, byte[] newsletter, int recipients) throws Exception {
        List<MailAddress> addresses = new ArrayList<>(recipients);
        for (int i = 0; i < recipients; i++) {
            addresses.add(new MailAddress("reader" + i + "@example.org"));
        }
        Mail mail = FakeMail.builder()
                .name("Mail" + System.currentTimeMillis() + "-" + UUID.randomUUID())
                .sender("news@northwind-outdoor.example")
                .recipients(addresses)
                .mimeMessage(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(newsletter)))
                .state("transport")
                .build();
        long start = System.nanoTime();
        worker.process(mail);
        long elapsed = System.nanoTime() - start;
        if (!Mail.GHOST.equals(mail.getState())) {
            throw new IllegalStateException("the newsletter was not split: state " + mail.getState());
        }
        return elapsed;
    }

    private static byte[] newsletter() {
        StringBuilder html = new StringBuilder("<html><body><table>\r\n");
        StringBuilder text = new StringBuilder("Spring sale\r\n\r\n");
        for (int i = 0; i < 20; i++) {
            html.append("<tr><td><a href=\"https://shop.example.com/product/").append(i)
                    .append("?utm_source=newsletter\">Product ").append(i).append("</a> from our spring range, ")
                    .append("with free delivery and returns.</td></tr>\r\n");
            text.append("Product ").append(i).append(": https://shop.example.com/product/").append(i).append("\r\n");
        }
        html.append("</table></body></html>\r\n");
        String message = "From: Northwind Outdoor <news@northwind-outdoor.example>\r\n"
                + "To: reader@example.org\r\nSubject: Spring Sale\r\nMessage-ID: <bench@northwind-outdoor.example>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"=_alt\"\r\n\r\n"
                + "--=_alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text
                + "--=_alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "--=_alt--\r\n";
        return message.getBytes(StandardCharsets.US_ASCII);
    }

    /** The baseline: a split that records nothing. */
    private static final class NoLedger implements SplitLedger {
        @Override
        public Optional<Split> find(String mailName) {
            return Optional.empty();
        }

        @Override
        public void started(Split split) {
        }

        @Override
        public CompletionStage<Void> queued(String mailName, int recipientIndex) {
            return CompletableFuture.completedFuture(null);
        }
    }
}
