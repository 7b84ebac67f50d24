package dev.smtpapi.mailet;

import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.testsupport.FreePort;
import dev.smtpapi.testsupport.TestMessages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailContext;

/**
 * How fast mail goes on untracked while Cassandra accepts connections and never answers (a tarpit), against the
 * same mails through the same mailet with no Cassandra involved at all (tracking turned off by attribute, so the
 * store is never asked), and with a contact point that refuses connections. Four threads hand the mails to the
 * mailet, as James's spool threads do. Rounds alternate after a warm-up; run from the mailet's test classpath
 * (see BENCHMARKS.md). Not a test: nothing is asserted.
 */
public final class UnreachableCassandraBenchmark {
    private static final int THREADS = 4;

    private UnreachableCassandraBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int mails = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("unreachable-bench");
        Path keys = TestMail.signingKeys(dir);
        byte[] original = TestMessages.overSmtp("newsletter-qp.eml");
        int refusedPort = FreePort.pick();
        try (Tarpit pit = Tarpit.start()) {
            EngagementTracking noCassandra = mailet(keys, "127.0.0.1:" + refusedPort);
            EngagementTracking tarpitted = mailet(keys, pit.contactPoint());
            EngagementTracking refused = mailet(keys, "127.0.0.1:" + refusedPort);
            try {
                for (int warmup = 0; warmup < 2; warmup++) {
                    round(noCassandra, original, mails, false);
                    round(tarpitted, original, mails, true);
                    round(refused, original, mails, true);
                }
                double baseline = 0;
                double tarpit = 0;
                double refusing = 0;
                for (int round = 0; round < rounds; round++) {
                    double b = round(noCassandra, original, mails, false);
                    double t = round(tarpitted, original, mails, true);
                    double r = round(refused, original, mails, true);
                    System.out.printf("round %d: no Cassandra %,.0f mails/s, tarpit %,.0f mails/s (%.2f), refused %,.0f"
                            + " mails/s (%.2f)%n", round + 1, b, t, t / b, r, r / b);
                    baseline += b;
                    tarpit += t;
                    refusing += r;
                }
                System.out.printf("mean over %d rounds of %d mails, %d threads: no Cassandra %,.0f mails/s; tarpit "
                        + "%,.0f mails/s, ratio %.2f; refused %,.0f mails/s, ratio %.2f; tarpit connections %d%n",
                        rounds, mails, THREADS, baseline / rounds, tarpit / rounds, tarpit / baseline,
                        refusing / rounds, refusing / baseline, pit.accepted());
            } finally {
                noCassandra.destroy();
                tarpitted.destroy();
                refused.destroy();
            }
        }
    }

    private static EngagementTracking mailet(Path keys, String contactPoint) throws Exception {
        EngagementTracking mailet = new EngagementTracking();
        mailet.init(TestMail.config(FakeMailContext.defaultContext(), keys, contactPoint, "smtpapi")
                .setProperty(StoreSettings.CREATE_SCHEMA, "false").build());
        return mailet;
    }

    /** Mails per second; {@code tracked} says whether the mails ask for tracking. */
    private static double round(EngagementTracking mailet, byte[] raw, int count, boolean tracked) throws Exception {
        List<Mail> mails = UnreachableCassandraTest.newsletters(raw, count);
        if (!tracked) {
            for (Mail mail : mails) {
                mail.setAttribute(new Attribute(AttributeName.of(AttributeOverrides.OPEN_TRACKING), AttributeValue.of("0")));
                mail.setAttribute(new Attribute(AttributeName.of(AttributeOverrides.CLICK_TRACKING), AttributeValue.of("0")));
            }
        }
        long nanos = SpoolThreads.service(mailet, mails, THREADS);
        return count / (nanos / 1e9);
    }
}
