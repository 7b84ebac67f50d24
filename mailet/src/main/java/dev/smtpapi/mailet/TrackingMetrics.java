package dev.smtpapi.mailet;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;

/**
 * What the mailet counts. Each count is kept here (readable through {@link EngagementTracking#metrics()}) and,
 * when James hands the mailet its {@link MetricFactory}, also published as a James metric of the same name.
 */
public final class TrackingMetrics {
    public static final String TRACKED_MAILS = "smtpapi_mailet_tracked_mails";
    public static final String TRACKED_COPIES = "smtpapi_mailet_tracked_copies";
    public static final String UNTRACKED_MAILS = "smtpapi_mailet_untracked_mails";
    public static final String NOT_REWRITABLE = "smtpapi_mailet_not_rewritable";
    public static final String INVALID_HEADER = "smtpapi_mailet_invalid_header";
    public static final String BAD_ATTRIBUTE = "smtpapi_mailet_bad_attribute";
    public static final String STORE_FAILURE_UNTRACKED = "smtpapi_mailet_store_failure_delivered_untracked";
    public static final String STORE_FAILURE_REROUTED = "smtpapi_mailet_store_failure_rerouted";

    private final Counter trackedMails;
    private final Counter trackedCopies;
    private final Counter untrackedMails;
    private final Counter notRewritable;
    private final Counter invalidHeader;
    private final Counter badAttribute;
    private final Counter storeFailureUntracked;
    private final Counter storeFailureRerouted;

    TrackingMetrics(Optional<MetricFactory> factory) {
        trackedMails = new Counter(factory, TRACKED_MAILS);
        trackedCopies = new Counter(factory, TRACKED_COPIES);
        untrackedMails = new Counter(factory, UNTRACKED_MAILS);
        notRewritable = new Counter(factory, NOT_REWRITABLE);
        invalidHeader = new Counter(factory, INVALID_HEADER);
        badAttribute = new Counter(factory, BAD_ATTRIBUTE);
        storeFailureUntracked = new Counter(factory, STORE_FAILURE_UNTRACKED);
        storeFailureRerouted = new Counter(factory, STORE_FAILURE_REROUTED);
    }

    /** Mails split into tracked copies (or tracked in place, for one recipient). */
    public Counter trackedMails() {
        return trackedMails;
    }

    /** Tracked copies made, one per recipient. */
    public Counter trackedCopies() {
        return trackedCopies;
    }

    /** Mails with tracking off, passed on unchanged. */
    public Counter untrackedMails() {
        return untrackedMails;
    }

    /** Mails with tracking on that could not be rewritten (bad MIME, unknown charset...), delivered unchanged. */
    public Counter notRewritable() {
        return notRewritable;
    }

    /** Mails sent to the error processor for a bad X-MSYS-API header. */
    public Counter invalidHeader() {
        return invalidHeader;
    }

    /** Attribute values that could not be used; the next source decided instead. */
    public Counter badAttribute() {
        return badAttribute;
    }

    /** Mails delivered untracked because tag storage could not be written. */
    public Counter storeFailureDeliveredUntracked() {
        return storeFailureUntracked;
    }

    /** Mails sent to the on_store_failure processor because tag storage could not be written. */
    public Counter storeFailureRerouted() {
        return storeFailureRerouted;
    }

    /** A count, kept locally and mirrored to James's metric of the same name when there is one. */
    public static final class Counter {
        private final String name;
        private final AtomicLong count = new AtomicLong();
        private final Optional<Metric> metric;

        Counter(Optional<MetricFactory> factory, String name) {
            this.name = name;
            this.metric = factory.map(f -> f.generate(name));
        }

        void increment() {
            count.incrementAndGet();
            metric.ifPresent(Metric::increment);
        }

        void add(int amount) {
            count.addAndGet(amount);
            metric.ifPresent(m -> m.add(amount));
        }

        public String name() {
            return name;
        }

        public long count() {
            return count.get();
        }

        @Override
        public String toString() {
            return name + "=" + count.get();
        }
    }
}
