package dev.smtpapi.tracker.web;

import dev.smtpapi.store.Resolution;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.tracker.event.TrackingEvent;
import dev.smtpapi.tracker.unsubscribe.Unsubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A followed {@code data-msys-unsubscribe} link puts its recipient on the suppression list, unless the click
 * was judged a machine's: link scanners follow every link of a mail, and must not unsubscribe anyone.
 */
final class LinkUnsubscribe {
    private static final Logger LOG = LoggerFactory.getLogger(LinkUnsubscribe.class);

    private final Unsubscriber unsubscriber;

    LinkUnsubscribe(Unsubscriber unsubscriber) {
        this.unsubscriber = unsubscriber;
    }

    void suppress(Resolution resolution, TrackingEvent event) {
        if (event.isMachine()) {
            LOG.info("link_unsubscribe {} judged a machine's ({}): recipient {} of message {} not suppressed",
                    event.eventId(), event.machineReason().get().code(), resolution.recipient().index(),
                    resolution.message().messageKey());
            return;
        }
        try {
            unsubscriber.linkClick(resolution);
        } catch (StoreUnavailableException e) {
            LOG.error("link_unsubscribe {}: recipient {} of message {} could NOT be put on the suppression list: {}",
                    event.eventId(), resolution.recipient().index(), resolution.message().messageKey(),
                    e.getMessage());
        }
    }
}
