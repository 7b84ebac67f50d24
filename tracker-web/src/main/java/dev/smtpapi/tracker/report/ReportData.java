package dev.smtpapi.tracker.report;

import dev.smtpapi.store.CampaignCounters;
import dev.smtpapi.tracker.event.EventStore;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The report's reads: the events of a window from the event store (the same scan as the events API, so the
 * numbers are the API's) and copies sent from the campaign counters. Thread-safe; every call scans anew.
 */
final class ReportData {
    /** One campaign of the window: copies sent (0 when unknown) and its engagement. */
    record CampaignRow(String campaignId, long copiesSent, CampaignEngagement engagement) {
    }

    private final EventStore events;
    private final CampaignCounters counters;

    ReportData(EventStore events, CampaignCounters counters) {
        this.events = Objects.requireNonNull(events, "events");
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    /**
     * Every campaign with copies sent or events in the window, by campaign id.
     *
     * @throws dev.smtpapi.store.StoreUnavailableException when Cassandra cannot be read
     */
    List<CampaignRow> campaigns(ReportWindow window) {
        Map<String, CampaignEngagement> engagement = new TreeMap<>();
        Iterator<TrackingEvent> scan = events.newestFirst(window.from(), window.to());
        while (scan.hasNext()) {
            TrackingEvent event = scan.next();
            event.campaignId().ifPresent(campaign ->
                    engagement.computeIfAbsent(campaign, id -> new CampaignEngagement()).add(event));
        }
        Map<String, Long> copies = counters.copiesBetween(window.from(), window.to());
        copies.keySet().forEach(campaign -> engagement.computeIfAbsent(campaign, id -> new CampaignEngagement()));
        List<CampaignRow> rows = new ArrayList<>(engagement.size());
        engagement.forEach((campaign, counts) ->
                rows.add(new CampaignRow(campaign, copies.getOrDefault(campaign, 0L), counts)));
        return rows;
    }

    /**
     * One campaign over the window, with the page of its events that follows {@code cursor}.
     *
     * @throws IllegalArgumentException when the cursor is not an event of this campaign in this window
     * @throws dev.smtpapi.store.StoreUnavailableException when Cassandra cannot be read
     */
    CampaignDetail campaign(String campaignId, ReportWindow window, Optional<UUID> cursor, int perPage) {
        long copies = counters.copiesBetween(window.from(), window.to()).getOrDefault(campaignId, 0L);
        CampaignDetail detail = new CampaignDetail(campaignId, copies, window, cursor, perPage);
        Iterator<TrackingEvent> scan = events.newestFirst(window.from(), window.to());
        while (scan.hasNext()) {
            TrackingEvent event = scan.next();
            if (event.campaignId().filter(campaignId::equals).isPresent()) {
                detail.add(event);
            }
        }
        detail.finish();
        return detail;
    }
}
