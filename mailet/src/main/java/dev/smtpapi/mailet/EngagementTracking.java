package dev.smtpapi.mailet;

import dev.smtpapi.config.InvalidOptionException;
import dev.smtpapi.config.Options;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import jakarta.inject.Inject;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open and click tracking for mail passing through James, as Momentum's {@code smtpapi} module does it: every
 * recipient of a tracked mail gets a copy whose links and open pixel are its own, and what those links stand for
 * is written to Cassandra before the copy goes on.
 *
 * <pre>{@code
 * <mailet match="All" class="dev.smtpapi.mailet.EngagementTracking">
 *   <open_tracking_enabled>true</open_tracking_enabled>
 *   <click_tracking_enabled>true</click_tracking_enabled>
 *   <tracking_domain>click.example.com</tracking_domain>
 *   <signing_keys_file>/etc/james/smtpapi.keys</signing_keys_file>
 *   <cassandra_contact_points>127.0.0.1:9042</cassandra_contact_points>
 * </mailet>
 * }</pre>
 *
 * <p>The options are listed in {@link MailetSettings}, the attributes in {@link AttributeOverrides}; the
 * work on each mail is done by {@link MailSplitter}.
 */
public class EngagementTracking extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(EngagementTracking.class);

    private final Optional<MetricFactory> metricFactory;
    private final Optional<MailQueueFactory<?>> mailQueues;
    private MailetSettings settings;
    private TrackingMetrics metrics;
    private StoreConnection store;
    private MailSplitter splitter;
    private UnsubscribeMetrics unsubscribeMetrics;

    /**
     * For James: its metric factory receives the mailet's counts, and tracked copies go straight into its spool
     * (see {@link CopyQueue#spool}).
     */
    @Inject
    public EngagementTracking(MetricFactory metricFactory, MailQueueFactory<?> mailQueues) {
        this.metricFactory = Optional.of(Objects.requireNonNull(metricFactory, "metricFactory"));
        this.mailQueues = Optional.of(Objects.requireNonNull(mailQueues, "mailQueues"));
    }

    /** With a metric factory but no mail queues: copies go through {@code MailetContext.sendMail}. */
    public EngagementTracking(MetricFactory metricFactory) {
        this.metricFactory = Optional.of(Objects.requireNonNull(metricFactory, "metricFactory"));
        this.mailQueues = Optional.empty();
    }

    /**
     * Outside James's injector: the counts are kept in {@link #metrics()} only, and copies are queued with
     * {@code MailetContext.sendMail} (see {@link CopyQueue#fromMailetContext}).
     */
    public EngagementTracking() {
        this.metricFactory = Optional.empty();
        this.mailQueues = Optional.empty();
    }

    @Override
    public void init() throws MessagingException {
        TokenCodec codec;
        try {
            settings = MailetSettings.from(Options.from(this::getInitParameter));
            codec = TokenCodec.of(SigningKeys.load(settings.signingKeysFile()));
        } catch (InvalidOptionException e) {
            throw new MessagingException(e.getMessage(), e);
        } catch (IOException | IllegalArgumentException e) {
            // SigningKeys names the file and line of the problem, never a secret.
            throw new MessagingException("invalid option '" + MailetSettings.SIGNING_KEYS_FILE + "': "
                    + e.getMessage(), e);
        }
        metrics = new TrackingMetrics(metricFactory);
        store = new StoreConnection(settings.store());
        store.connectInBackground();
        unsubscribeMetrics = new UnsubscribeMetrics(metricFactory);
        UnsubscribeStores unsubscribeStores = new UnsubscribeStores(store, settings.store());
        Optional<SuppressionCheck> suppression = settings.unsubscribe().suppression()
                ? Optional.of(new SuppressionCheck(settings.unsubscribe(), unsubscribeStores::suppressionList,
                        settings.onStoreFailure(), unsubscribeMetrics))
                : Optional.empty();
        CopyQueue copies = mailQueues.map(CopyQueue::spool)
                .orElseGet(() -> CopyQueue.fromMailetContext(getMailetContext()));
        SplitLedger ledger = new CassandraSplitLedger(store::session, settings.store());
        splitter = new MailSplitter(settings, codec, store, ledger, copies, metrics, Clock.systemUTC(),
                suppression, new ListUnsubscribe(codec, unsubscribeStores::senderUrls, Clock.systemUTC(),
                        unsubscribeMetrics));
        LOGGER.info("EngagementTracking ready: {}", settings);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        splitter.process(mail);
    }

    @Override
    public void destroy() {
        if (store != null) {
            store.close();
        }
    }

    @Override
    public String getMailetInfo() {
        return "smtpapi EngagementTracking: per-recipient open and click tracking";
    }

    /** The settings read from the init parameters; null before {@link #init()}. */
    public MailetSettings settings() {
        return settings;
    }

    /** The unsubscribe and suppression counts; null before {@link #init()}. */
    public UnsubscribeMetrics unsubscribeMetrics() {
        return unsubscribeMetrics;
    }

    /** The mailet's counts; null before {@link #init()}. */
    public TrackingMetrics metrics() {
        return metrics;
    }
}
