package dev.smtpapi.mailet;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.smtpapi.mailet.MailetSettings.StoreFailurePolicy;
import dev.smtpapi.suppression.SuppressedAddress;
import dev.smtpapi.suppression.SuppressionList;
import dev.smtpapi.suppression.SuppressionType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the recipients on the suppression list off a mail before it is tracked (issue 11): entries of type
 * {@code non_transactional} hold back non-transactional mail, {@code transactional} entries transactional mail.
 * All recipients of a mail are looked up at once. Recipients found suppressed are remembered in a bounded
 * cache for {@code suppression_cache_seconds}; recipients found not suppressed are not, so an unsubscribe
 * recorded by the tracker holds back the very next mail (a deleted entry may still hold mail back until the
 * cache forgets it: the safe way round). Thread-safe.
 */
final class SuppressionCheck {
    private static final Logger LOGGER = LoggerFactory.getLogger(EngagementTracking.class);

    private record Key(SuppressedAddress recipient, SuppressionType type) {
    }

    private final Supplier<SuppressionList> list;
    private final StoreFailurePolicy onStoreFailure;
    private final UnsubscribeMetrics metrics;
    private final Optional<Cache<Key, Boolean>> suppressed;

    SuppressionCheck(UnsubscribeOptions options, Supplier<SuppressionList> list, StoreFailurePolicy onStoreFailure,
            UnsubscribeMetrics metrics) {
        this.list = list;
        this.onStoreFailure = onStoreFailure;
        this.metrics = metrics;
        this.suppressed = options.suppressionCacheSize() == 0 || options.suppressionCacheSeconds() == 0
                ? Optional.empty()
                : Optional.of(CacheBuilder.newBuilder().maximumSize(options.suppressionCacheSize())
                        .expireAfterWrite(Duration.ofSeconds(options.suppressionCacheSeconds())).build());
    }

    /**
     * Removes the suppressed recipients from the mail. Returns whether the mail goes on through the mailet:
     * false when no recipient is left (the mail is ghosted) or when the list could not be read and
     * {@code on_store_failure} names a processor (the mail is sent there, unchanged).
     */
    boolean apply(Mail mail, boolean transactional) {
        Collection<MailAddress> recipients = mail.getRecipients();
        if (recipients.isEmpty()) {
            return true;
        }
        SuppressionType type = SuppressionType.forMail(transactional);
        // Not a map keyed by MailAddress: its equals ignores the case of the local part, the list does not.
        List<MailAddress> given = List.copyOf(recipients);
        List<SuppressedAddress> addresses = new ArrayList<>(given.size());
        for (MailAddress recipient : given) {
            addresses.add(SuppressedAddress.of(recipient.asString()));
        }
        Set<SuppressedAddress> found;
        try {
            found = lookUp(addresses, type);
        } catch (RuntimeException e) {
            return onLookupFailure(mail, e);
        }
        if (found.isEmpty()) {
            return true;
        }
        List<MailAddress> kept = new ArrayList<>();
        List<MailAddress> removed = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            (found.contains(addresses.get(i)) ? removed : kept).add(given.get(i));
        }
        metrics.suppressedRecipients().add(removed.size());
        LOGGER.info("Mail {}: {} of {} recipients are on the suppression list ({}) and get no copy: {}",
                mail.getName(), removed.size(), recipients.size(), type.code(),
                removed.stream().map(MailAddress::asString).collect(Collectors.joining(", ")));
        mail.setRecipients(kept);
        if (kept.isEmpty()) {
            metrics.suppressedMails().increment();
            mail.setState(Mail.GHOST);
            return false;
        }
        return true;
    }

    private Set<SuppressedAddress> lookUp(Collection<SuppressedAddress> recipients, SuppressionType type) {
        List<SuppressedAddress> unknown = new ArrayList<>();
        Set<SuppressedAddress> found = new HashSet<>();
        for (SuppressedAddress recipient : recipients) {
            boolean cached = suppressed.map(cache -> cache.getIfPresent(new Key(recipient, type)) != null)
                    .orElse(false);
            (cached ? found : unknown).add(recipient);
        }
        if (!unknown.isEmpty()) {
            Set<SuppressedAddress> read = list.get().suppressed(unknown, type);
            found.addAll(read);
            suppressed.ifPresent(cache -> read.forEach(recipient -> cache.put(new Key(recipient, type), true)));
        }
        return found;
    }

    private boolean onLookupFailure(Mail mail, RuntimeException cause) {
        metrics.lookupFailed().increment();
        Optional<String> processor = onStoreFailure.processor();
        if (processor.isPresent()) {
            LOGGER.warn("Mail {}: the suppression list cannot be read, sent to processor {} ({} recipients): {}",
                    mail.getName(), processor.get(), mail.getRecipients().size(), cause.getMessage());
            mail.setErrorMessage("smtpapi suppression list unavailable: " + cause.getMessage());
            mail.setState(processor.get());
            return false;
        }
        LOGGER.warn("Mail {}: the suppression list cannot be read; delivered to all {} recipients unchecked "
                + "(on_store_failure={}): {}", mail.getName(), mail.getRecipients().size(), onStoreFailure,
                cause.getMessage());
        return true;
    }
}
