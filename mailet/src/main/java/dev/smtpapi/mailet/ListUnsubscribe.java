package dev.smtpapi.mailet;

import dev.smtpapi.suppression.SenderUnsubscribeUrls;
import dev.smtpapi.token.TokenCodec;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Decides the List-Unsubscribe headers of one tracked mail: none for transactional mail or with
 * {@code list_unsubscribe_enabled} off; otherwise one URL per copy, the sender's {@code mailto:} kept, and the
 * sender's https URL stored for the tracker's forwarding before any copy exists. Thread-safe.
 */
final class ListUnsubscribe {
    private final TokenCodec codec;
    private final Supplier<SenderUnsubscribeUrls> senderUrls;
    private final Clock clock;
    private final UnsubscribeMetrics metrics;

    ListUnsubscribe(TokenCodec codec, Supplier<SenderUnsubscribeUrls> senderUrls, Clock clock,
            UnsubscribeMetrics metrics) {
        this.metrics = metrics;
        this.codec = codec;
        this.senderUrls = senderUrls;
        this.clock = clock;
    }

    /**
     * @throws dev.smtpapi.store.StoreUnavailableException when the sender's https URL cannot be stored: the
     *     mail then follows {@code on_store_failure} like any mail whose tag data cannot be written
     */
    ListUnsubscribeHeaders forMail(MimeMessage original, MailSettings settings, UUID messageKey, Instant expiry)
            throws MessagingException {
        if (!settings.listUnsubscribe()) {
            return ListUnsubscribeHeaders.NONE;
        }
        SenderListUnsubscribe sender = SenderListUnsubscribe.of(original);
        if (sender.httpsUrl().isPresent()) {
            senderUrls.get().remember(messageKey, sender.httpsUrl().get(), clock.instant(), expiry);
        }
        return ListUnsubscribeHeaders.of(codec, settings, messageKey, expiry, sender, metrics);
    }
}
