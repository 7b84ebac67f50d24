package dev.smtpapi.tracker.api;

import dev.smtpapi.tracker.event.EventStore;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Opens and clicks per campaign over a window, each split into human and machine, with unique counts of
 * distinct (message, recipient) pairs. Events without a campaign are left out.
 */
public final class CampaignMetrics {
    private final EventStore store;

    public CampaignMetrics(EventStore store) {
        this.store = store;
    }

    /** The counts of one campaign; index 0 of each pair is human, 1 is machine. */
    public static final class Counts {
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

        public Split opens() {
            return new Split(opens[0], opens[1], opens[0] + opens[1]);
        }

        public Split uniqueOpens() {
            return unique(openers);
        }

        public Split clicks() {
            return new Split(clicks[0], clicks[1], clicks[0] + clicks[1]);
        }

        public Split uniqueClicks() {
            return unique(clickers);
        }

        /** A recipient with both a human and a machine event counts once in the total. */
        private static Split unique(List<Set<String>> byWho) {
            Set<String> all = new HashSet<>(byWho.get(0));
            all.addAll(byWho.get(1));
            return new Split(byWho.get(0).size(), byWho.get(1).size(), all.size());
        }
    }

    /** A count split into human and machine; for unique counts the total counts each message and recipient once. */
    public record Split(long human, long machine, long total) {
    }

    /**
     * Per campaign, in campaign order; only {@code campaigns} when not empty.
     *
     * @throws dev.smtpapi.store.StoreUnavailableException when Cassandra cannot be read
     */
    public Map<String, Counts> count(TimeWindow window, Set<String> campaigns) {
        Map<String, Counts> counts = new TreeMap<>();
        Iterator<TrackingEvent> events = store.newestFirst(window.from(), window.to());
        while (events.hasNext()) {
            TrackingEvent event = events.next();
            if (event.campaignId().isEmpty()
                    || (!campaigns.isEmpty() && !campaigns.contains(event.campaignId().get()))) {
                continue;
            }
            counts.computeIfAbsent(event.campaignId().get(), id -> new Counts()).add(event);
        }
        return counts;
    }
}
