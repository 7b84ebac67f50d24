package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import dev.smtpapi.config.Options;
import dev.smtpapi.store.InMemoryTagStore;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.testsupport.LocalCassandra;
import dev.smtpapi.testsupport.TestMessages;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * James dies in the middle of a split and, restarted, hands the mailet the same mail again (same name, same
 * message, same recipients): the recipients already served get nothing more, the others get their copy, and
 * every copy carries the same message key, so the links sent before the crash stay valid.
 */
class SplitAfterCrashTest {
    private static final int RECIPIENTS = 7;
    private static final Pattern CLICK_URL = Pattern.compile("http://" + Pattern.quote(TestMail.TRACKING_DOMAIN)
            + "/f/[A-Za-z0-9._~%-]+/[A-Za-z0-9_-]+");

    @TempDir
    static Path dir;
    private static Path keys;
    private static String keyspace;
    private static CqlSession session;

    @BeforeAll
    static void connect() {
        keys = TestMail.signingKeys(dir);
        keyspace = LocalCassandra.freshKeyspace("split_test");
        // The tag store creates the keyspace and the schema, the ledger's table included.
        try (StoreConnection store = new StoreConnection(TestMail.storeSettings(keyspace))) {
            store.connectInBackground();
            store.get();
        }
        session = TestMail.session(keyspace);
    }

    @AfterAll
    static void dropKeyspace() {
        LocalCassandra.dropKeyspace(session, keyspace);
        session.close();
    }

    @Test
    void withTheLedgerInMemoryACrashAfterThreeOfSevenCopiesSendsEveryoneOneCopy() throws Exception {
        InMemorySplitLedger ledger = new InMemorySplitLedger();
        StoreConnection tags = StoreConnection.serving(InMemoryTagStore.create());

        List<Mail> queued = crashAfter(3, tags, ledger);

        assertEveryRecipientGotExactlyOneCopyOfOneMessage(queued);
    }

    @Test
    void withTheLedgerInCassandraEveryCrashPointSendsEveryoneOneCopy() throws Exception {
        StoreSettings settings = TestMail.storeSettings(keyspace);
        try (StoreConnection tags = new StoreConnection(settings)) {
            tags.connectInBackground();
            SplitLedger ledger = new CassandraSplitLedger(tags::session, settings);
            for (int crashAfter = 0; crashAfter < RECIPIENTS; crashAfter++) {
                List<Mail> queued = crashAfter(crashAfter, tags, ledger);

                assertEveryRecipientGotExactlyOneCopyOfOneMessage(queued);
            }
        }
    }

    @Test
    void theLedgerInCassandraReadsAndWritesAtTheTagStoragesConsistency() throws Exception {
        try (StoreConnection tags = new StoreConnection(TestMail.storeSettings(keyspace))) {
            tags.connectInBackground();
            String name = "Mail1764590000000-" + UUID.randomUUID();
            SplitLedger.Split split = new SplitLedger.Split(name, new byte[] {1, 2}, UUID.randomUUID(),
                    Instant.ofEpochSecond(1_764_590_000), Instant.ofEpochSecond(1_796_126_000),
                    List.of("a@example.org", "b@example.org"), Set.of());
            // The keyspace has one replica, so TWO can never be met: a ledger that used the driver's own
            // consistency (LOCAL_ONE) instead of the store's would record and read as if nothing were asked.
            SplitLedger strict = new CassandraSplitLedger(tags::session,
                    TestMail.storeSettings(keyspace, DefaultConsistencyLevel.TWO));
            SplitLedger usual = new CassandraSplitLedger(tags::session, TestMail.storeSettings(keyspace));

            assertThatThrownBy(() -> strict.started(split)).isInstanceOf(StoreUnavailableException.class);
            usual.started(split);
            usual.queued(name, 1).toCompletableFuture().join();
            assertThatThrownBy(() -> strict.find(name)).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> strict.queued(name, 0).toCompletableFuture().join())
                    .hasCauseInstanceOf(StoreUnavailableException.class);
            assertThat(usual.find(name)).hasValueSatisfying(found -> assertThat(found.queued()).containsExactly(1));
        }
    }

    @Test
    void anotherMailWithTheSameNameIsSplitAsANewMail() throws Exception {
        InMemorySplitLedger ledger = new InMemorySplitLedger();
        StoreConnection tags = StoreConnection.serving(InMemoryTagStore.create());
        String name = "Mail1764590000000-" + UUID.randomUUID();
        List<Mail> queued = new ArrayList<>();
        MailSplitter beforeCrash = worker(tags, ledger, new RecordingQueue(queued, 2));
        assertThatThrownBy(() -> beforeCrash.process(newsletter(name, "newsletter-qp.eml")))
                .isInstanceOf(JamesDied.class);
        assertThat(queued).hasSize(2);

        worker(tags, ledger, new RecordingQueue(queued, Integer.MAX_VALUE)).process(newsletter(name, "text-only.eml"));

        assertThat(queued).hasSize(2 + RECIPIENTS);
    }

    @Test
    void whenTheLedgerFailsTheSplitGoesOnForEveryRecipient() throws Exception {
        InMemorySplitLedger ledger = new InMemorySplitLedger();
        ledger.failAfter(2);
        StoreConnection tags = StoreConnection.serving(InMemoryTagStore.create());
        List<Mail> queued = new ArrayList<>();
        Mail mail = newsletter("Mail1764590000000-" + UUID.randomUUID(), "newsletter-qp.eml");

        worker(tags, ledger, new RecordingQueue(queued, Integer.MAX_VALUE)).process(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertEveryRecipientGotExactlyOneCopyOfOneMessage(queued);
    }

    /** Processes the newsletter, "crashing" James after {@code copies} copies, then processes it again. */
    private static List<Mail> crashAfter(int copies, StoreConnection tags, SplitLedger ledger) throws Exception {
        String name = "Mail1764590000000-" + UUID.randomUUID();
        List<Mail> queued = new ArrayList<>();
        MailSplitter beforeCrash = worker(tags, ledger, new RecordingQueue(queued, copies));
        assertThatThrownBy(() -> beforeCrash.process(newsletter(name, "newsletter-qp.eml")))
                .isInstanceOf(JamesDied.class);
        assertThat(queued).hasSize(copies);

        // The restarted James's spool still holds the original as it was received.
        Mail redelivered = newsletter(name, "newsletter-qp.eml");
        worker(tags, ledger, new RecordingQueue(queued, Integer.MAX_VALUE)).process(redelivered);

        assertThat(redelivered.getState()).isEqualTo(Mail.GHOST);
        return queued;
    }

    private static void assertEveryRecipientGotExactlyOneCopyOfOneMessage(List<Mail> queued) throws Exception {
        List<MailAddress> recipients = new ArrayList<>();
        Set<Object> messageKeys = new HashSet<>();
        Set<String> links = new HashSet<>();
        for (Mail copy : queued) {
            recipients.addAll(copy.getRecipients());
            messageKeys.add(copy.getAttribute(MailSplitter.TRACKED).orElseThrow().getValue().value());
            Matcher link = CLICK_URL.matcher(new String(TestMail.bytes(copy.getMessage())));
            while (link.find()) {
                links.add(link.group());
            }
        }
        assertThat(recipients).containsExactlyInAnyOrderElementsOf(newsletter("any", "newsletter-qp.eml").getRecipients());
        assertThat(messageKeys).as("message keys of the copies").hasSize(1);
        assertThat(links).as("links of different copies are different").isNotEmpty();
    }

    private static MailSplitter worker(StoreConnection tags, SplitLedger ledger, CopyQueue queue) throws Exception {
        MailetSettings configuration = MailetSettings.from(Options.from(Map.of(
                MailetSettings.SIGNING_KEYS_FILE, keys.toString(),
                MailetSettings.TRACKING_DOMAIN, TestMail.TRACKING_DOMAIN,
                MailetSettings.OPEN_TRACKING_ENABLED, "true",
                MailetSettings.CLICK_TRACKING_ENABLED, "true")));
        return new MailSplitter(configuration, TokenCodec.of(SigningKeys.load(keys)), tags, ledger, queue,
                new TrackingMetrics(Optional.empty()), Clock.systemUTC());
    }

    private static Mail newsletter(String name, String eml) throws Exception {
        List<MailAddress> recipients = new ArrayList<>();
        for (int i = 0; i < RECIPIENTS; i++) {
            recipients.add(new MailAddress("reader" + i + "@example.org"));
        }
        return FakeMail.builder()
                .name(name)
                .sender("news@northwind-outdoor.example")
                .recipients(recipients)
                .mimeMessage(TestMail.mime(TestMessages.overSmtp(eml)))
                .state("transport")
                .build();
    }

    /** James's process ending in the middle of the split: nothing after it runs, not even a catch block. */
    private static final class JamesDied extends Error {
        private static final long serialVersionUID = 1L;

        JamesDied() {
            super("James was killed", null, false, false);
        }
    }

    /** The spool: keeps every copy queued into {@code queued}; after {@code copiesBeforeCrash} of them James dies. */
    private static final class RecordingQueue implements CopyQueue {
        private final List<Mail> queued;
        private final int copiesBeforeCrash;
        private int copiesQueuedHere;

        RecordingQueue(List<Mail> queued, int copiesBeforeCrash) {
            this.queued = queued;
            this.copiesBeforeCrash = copiesBeforeCrash;
        }

        @Override
        public void enqueue(Mail copy, String processor) {
            if (copiesQueuedHere >= copiesBeforeCrash) {
                throw new JamesDied();
            }
            try {
                queued.add(FakeMail.builder().name(copy.getName()).recipients(List.copyOf(copy.getRecipients()))
                        .mimeMessage(TestMail.mime(TestMail.bytes(copy.getMessage())))
                        .attributes(copy.attributes().toList()).build());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            copiesQueuedHere++;
        }
    }
}
