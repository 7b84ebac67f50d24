package dev.smtpapi.tracker.report;

import dev.smtpapi.tracker.event.TrackingEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Opens, unique opens, clicks and unique clicks of one campaign, each split human / machine, counted by the
 * events API's rules ({@code GET /api/v1/metrics/campaigns}): opens include {@code initial_open}, clicks
 * include {@code link_unsubscribe}, and unique means distinct (message, recipient) pairs. Fed one event at a
 * time by a single thread.
 */
final class CampaignEngagement {
    private final long[] opens = new long[2];
    private final long[] clicks = new long[2];
    private final List<Set<String>> openers = List.of(new HashSet<>(), new HashSet<>());
    private final List<Set<String>> clickers = List.of(new HashSet<>(), new HashSet<>());

    void add(TrackingEvent event) {
        int who = event.isMachine() ? 1 : 0;
        String recipient = event.messageId() + '\n' + event.rcptTo();
        if (event.type().isClick()) {
            clicks[who]++;
            clickers.get(who).add(recipient);
        } else {
            opens[who]++;
            openers.get(who).add(recipient);
        }
    }

    Split opens() {
        return new Split(opens[0], opens[1]);
    }

    Split uniqueOpens() {
        return new Split(openers.get(0).size(), openers.get(1).size());
    }

    Split clicks() {
        return new Split(clicks[0], clicks[1]);
    }

    Split uniqueClicks() {
        return new Split(clickers.get(0).size(), clickers.get(1).size());
    }
}
