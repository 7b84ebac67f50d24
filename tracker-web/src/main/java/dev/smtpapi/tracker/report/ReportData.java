package dev.smtpapi.tracker.report;

import dev.smtpapi.store.CampaignCounters;
import dev.smtpapi.tracker.api.CampaignMetrics;
import dev.smtpapi.tracker.api.CampaignMetrics.Counts;
import dev.smtpapi.tracker.api.EventPager;
import dev.smtpapi.tracker.api.EventsQuery;
import dev.smtpapi.tracker.event.EventStore;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The report's reads. Counts and event pages come from the events API's own classes ({@link CampaignMetrics},
 * {@link EventPager}), so the page's numbers are the API's by construction; copies sent come from the
 * campaign counters; the chart, links and machine reasons from one more scan of the window. Thread-safe;
 * every call reads anew.
 */
final class ReportData {
    /** One campaign of the window: copies sent (0 when none were counted) and the API's counts. */
    record CampaignRow(String campaignId, long copiesSent, Counts counts) {
    }

    /** Everything one campaign's page shows. */
    record CampaignPage(String campaignId, ReportWindow window, long copiesSent, Counts counts,
            CampaignActivity activity, EventPager.Page events, boolean afterFirstPage) {
    }

    private final EventStore events;
    private final CampaignMetrics metrics;
    private final EventPager pager;
    private final CampaignCounters counters;

    ReportData(EventStore events, CampaignMetrics metrics, EventPager pager, CampaignCounters counters) {
        this.events = Objects.requireNonNull(events, "events");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.pager = Objects.requireNonNull(pager, "pager");
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    /**
     * Every campaign with copies sent or events in the window, by campaign id.
     *
     * @throws dev.smtpapi.store.StoreUnavailableException when Cassandra cannot be read
     */
    List<CampaignRow> campaigns(ReportWindow window) {
        Map<String, Counts> counts = new TreeMap<>(metrics.count(window.window(), Set.of()));
        Map<String, Long> copies = counters.copiesBetween(window.from(), window.to());
        copies.keySet().forEach(campaign -> counts.computeIfAbsent(campaign, id -> new Counts()));
        List<CampaignRow> rows = new ArrayList<>(counts.size());
        counts.forEach((campaign, count) -> rows.add(new CampaignRow(campaign, copies.getOrDefault(campaign, 0L), count)));
        return rows;
    }

    /**
     * One campaign over the window, with the page of its events that follows {@code cursor}.
     *
     * @throws IllegalArgumentException when the cursor is not one of this campaign's event pages
     * @throws dev.smtpapi.store.StoreUnavailableException when Cassandra cannot be read
     */
    CampaignPage campaign(String campaignId, ReportWindow window, Optional<String> cursor, int perPage) {
        long copies = counters.copiesBetween(window.from(), window.to()).getOrDefault(campaignId, 0L);
        Counts counts = metrics.count(window.window(), Set.of(campaignId)).getOrDefault(campaignId, new Counts());
        EventsQuery.Filters ofCampaign = new EventsQuery.Filters(Set.of(), Set.of(campaignId), Set.of(), Set.of(),
                Set.of(), Set.of(), false);
        EventPager.Page page = pager.page(new EventsQuery(window.window(), true, ofCampaign, perPage, 1, cursor));
        CampaignActivity activity = new CampaignActivity(window);
        Iterator<TrackingEvent> scan = events.newestFirst(window.from(), window.to());
        while (scan.hasNext()) {
            TrackingEvent event = scan.next();
            if (event.campaignId().filter(campaignId::equals).isPresent()) {
                activity.add(event);
            }
        }
        return new CampaignPage(campaignId, window, copies, counts, activity, page, cursor.isPresent());
    }
}
