package dev.smtpapi.tracker.unsubscribe;

import dev.smtpapi.store.MessageRecord;
import dev.smtpapi.store.Resolution;
import dev.smtpapi.suppression.SenderUnsubscribeUrls;
import dev.smtpapi.suppression.SuppressedAddress;
import dev.smtpapi.suppression.SuppressionEntry;
import dev.smtpapi.suppression.SuppressionList;
import dev.smtpapi.suppression.SuppressionSource;
import dev.smtpapi.suppression.SuppressionType;
import dev.smtpapi.tracker.event.EventLog;
import dev.smtpapi.tracker.event.EventType;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an unsubscribe does: the recipient goes on the suppression list ({@code non_transactional}), and for a
 * one-click unsubscribe a {@code list_unsubscribe} event is recorded and the sender's own https URL, if it
 * gave one, is told. Idempotent: a recipient already on the list for non-transactional mail records nothing
 * new (a second POST, a repeated click). The list is written before the caller answers, so the next mail is
 * held back; the event goes to the event log like every event. Thread-safe.
 */
public final class Unsubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(Unsubscriber.class);

    private final SuppressionList list;
    private final SenderUnsubscribeUrls senderUrls;
    private final SenderForwarder forwarder;
    private final Predicate<TrackingEvent> events;
    private final Clock clock;

    public Unsubscriber(SuppressionList list, SenderUnsubscribeUrls senderUrls, SenderForwarder forwarder,
            EventLog log, Clock clock) {
        this(list, senderUrls, forwarder, log::append, clock);
    }

    Unsubscriber(SuppressionList list, SenderUnsubscribeUrls senderUrls, SenderForwarder forwarder,
            Predicate<TrackingEvent> events, Clock clock) {
        this.list = list;
        this.senderUrls = senderUrls;
        this.forwarder = forwarder;
        this.events = events;
        this.clock = clock;
    }

    /**
     * A one-click unsubscribe (RFC 8058) of the token's recipient. Returns whether it was new.
     *
     * @throws dev.smtpapi.store.StoreUnavailableException when the suppression list cannot be written: the
     *     caller answers 503 and the mailbox provider tries again
     */
    public boolean oneClick(Resolution resolution, String ipAddress, String userAgent) {
        MessageRecord message = resolution.message();
        if (!add(resolution, SuppressionSource.LIST_UNSUBSCRIBE, "One-click unsubscribe (RFC 8058) from message "
                + message.messageId())) {
            return false;
        }
        TrackingEvent event = TrackingEvent.builder()
                .eventId(TrackingEvent.newEventId())
                .type(EventType.LIST_UNSUBSCRIBE)
                .messageId(message.messageId())
                .messageKey(Optional.of(message.messageKey()))
                .campaignId(message.campaignId())
                .rcptTo(resolution.recipient().address())
                .rawRcptTo(resolution.recipient().rawAddress())
                .rcptMetaJson(message.metadataJson())
                .rcptTags(message.tags())
                .ipAddress(ipAddress)
                .userAgent(userAgent)
                .build();
        if (!events.test(event)) {
            LOG.warn("{}: unsubscribed, but its list_unsubscribe event {} could not be recorded (see the event log)",
                    describe(resolution), event.eventId());
        }
        Optional<URI> senderUrl = senderUrls.find(message.messageKey());
        senderUrl.ifPresent(url -> forwarder.forward(url, describe(resolution)));
        return true;
    }

    /** A click on a {@code data-msys-unsubscribe} link; its {@code link_unsubscribe} event is the click's own. */
    public boolean linkClick(Resolution resolution) {
        return add(resolution, SuppressionSource.LINK_UNSUBSCRIBE, "Unsubscribe link in message "
                + resolution.message().messageId());
    }

    private boolean add(Resolution resolution, SuppressionSource source, String description) {
        SuppressedAddress recipient = SuppressedAddress.of(resolution.recipient().rawAddress());
        boolean added = list.addIfAbsent(SuppressionEntry.of(recipient, SuppressionType.NON_TRANSACTIONAL, source,
                description, clock.instant()));
        LOG.info("{}: {} ({})", describe(resolution), added ? "added to the suppression list"
                : "already on the suppression list, nothing recorded", source.label());
        return added;
    }

    private static String describe(Resolution resolution) {
        return "recipient " + resolution.recipient().index() + " of message " + resolution.message().messageKey();
    }
}
