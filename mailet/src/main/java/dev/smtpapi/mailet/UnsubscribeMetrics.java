package dev.smtpapi.mailet;

import dev.smtpapi.mailet.TrackingMetrics.Counter;
import java.util.Optional;
import org.apache.james.metrics.api.MetricFactory;

/** What the mailet counts about unsubscribe headers and the suppression list; published like {@link TrackingMetrics}. */
public final class UnsubscribeMetrics {
    public static final String LIST_UNSUBSCRIBE_COPIES = "smtpapi_mailet_list_unsubscribe_copies";
    public static final String SUPPRESSED_RECIPIENTS = "smtpapi_mailet_suppressed_recipients";
    public static final String SUPPRESSED_MAILS = "smtpapi_mailet_suppressed_mails";
    public static final String SUPPRESSION_LOOKUP_FAILED = "smtpapi_mailet_suppression_lookup_failed";

    private final Counter listUnsubscribeCopies;
    private final Counter suppressedRecipients;
    private final Counter suppressedMails;
    private final Counter lookupFailed;

    UnsubscribeMetrics(Optional<MetricFactory> factory) {
        listUnsubscribeCopies = new Counter(factory, LIST_UNSUBSCRIBE_COPIES);
        suppressedRecipients = new Counter(factory, SUPPRESSED_RECIPIENTS);
        suppressedMails = new Counter(factory, SUPPRESSED_MAILS);
        lookupFailed = new Counter(factory, SUPPRESSION_LOOKUP_FAILED);
    }

    /** Copies that got List-Unsubscribe headers of their own. */
    public Counter listUnsubscribeCopies() {
        return listUnsubscribeCopies;
    }

    /** Recipients taken off a mail because they are on the suppression list. */
    public Counter suppressedRecipients() {
        return suppressedRecipients;
    }

    /** Mails whose every recipient was suppressed, so that nothing was left to deliver. */
    public Counter suppressedMails() {
        return suppressedMails;
    }

    /** Mails whose recipients could not be checked (Cassandra unavailable); they followed on_store_failure. */
    public Counter lookupFailed() {
        return lookupFailed;
    }
}
