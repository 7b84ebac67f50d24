package dev.smtpapi.tracker.report;

import dev.smtpapi.tracker.event.TrackingEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What the page of one campaign shows, gathered in one pass over the window's events (newest first): its
 * engagement, opens and clicks per hour or day, clicks per link, machine events per reason, and one page of
 * its events. Fed by a single thread, then read.
 */
final class CampaignDetail {
    /** Opens and clicks whose time falls in [{@code start}, next bucket's start). */
    record Bucket(Instant start, long opens, long clicks) {
    }

    /** Clicks of one link: {@code label} is its {@code target_link_name}, else its URL. */
    record LinkClicks(String label, Optional<String> url, Split clicks) {
    }

    /** Machine events of one {@code machine_reason}. */
    record ReasonCount(String reason, long opens, long clicks) {
    }

    /** One page of events, newest first; {@code next} is the cursor of the page after it. */
    record EventsPage(List<TrackingEvent> events, long totalCount, Optional<UUID> next) {
    }

    private final String campaignId;
    private final long copiesSent;
    private final ReportWindow window;
    private final CampaignEngagement engagement = new CampaignEngagement();
    private final TreeMap<Instant, long[]> buckets = new TreeMap<>();
    private final Map<String, LinkTally> links = new LinkedHashMap<>();
    private final Map<String, long[]> reasons = new TreeMap<>();
    private final Optional<UUID> cursor;
    private final int perPage;
    private final List<TrackingEvent> page = new ArrayList<>();
    private boolean collecting;
    private boolean more;
    private long totalCount;

    CampaignDetail(String campaignId, long copiesSent, ReportWindow window, Optional<UUID> cursor, int perPage) {
        this.campaignId = campaignId;
        this.copiesSent = copiesSent;
        this.window = window;
        this.cursor = cursor;
        this.perPage = perPage;
        this.collecting = cursor.isEmpty();
        for (Instant start = bucketOf(window.from()); !start.isAfter(window.to()); start = next(start)) {
            buckets.put(start, new long[2]);
        }
    }

    /** Takes the next event of the campaign (newest first). */
    void add(TrackingEvent event) {
        engagement.add(event);
        boolean click = event.type().isClick();
        long[] bucket = buckets.computeIfAbsent(bucketOf(event.timestamp()), start -> new long[2]);
        bucket[click ? 1 : 0]++;
        if (click) {
            String label = event.targetLinkName().filter(name -> !name.isEmpty())
                    .or(event::targetLinkUrl).orElse("");
            links.computeIfAbsent(label, key -> new LinkTally(label,
                    event.targetLinkName().filter(name -> !name.isEmpty()).flatMap(name -> event.targetLinkUrl())))
                    .add(event.isMachine());
        }
        event.machineReason().ifPresent(reason ->
                reasons.computeIfAbsent(reason.code(), code -> new long[2])[click ? 1 : 0]++);
        totalCount++;
        if (!collecting) {
            collecting = event.eventId().equals(cursor.get());
        } else if (page.size() < perPage) {
            page.add(event);
        } else {
            more = true;
        }
    }

    /** @throws IllegalArgumentException when the cursor named no event of this campaign and window */
    void finish() {
        if (!collecting) {
            throw new IllegalArgumentException("the cursor does not point into these events (has the window moved?)");
        }
    }

    String campaignId() {
        return campaignId;
    }

    long copiesSent() {
        return copiesSent;
    }

    ReportWindow window() {
        return window;
    }

    /** Whether this is a page after the first. */
    boolean hasCursor() {
        return cursor.isPresent();
    }

    CampaignEngagement engagement() {
        return engagement;
    }

    List<Bucket> series() {
        List<Bucket> series = new ArrayList<>(buckets.size());
        buckets.forEach((start, counts) -> series.add(new Bucket(start, counts[0], counts[1])));
        return series;
    }

    /** Links by clicks, most clicked first. */
    List<LinkClicks> links() {
        return links.values().stream().map(LinkTally::result)
                .sorted(Comparator.comparingLong((LinkClicks link) -> link.clicks().total()).reversed()
                        .thenComparing(LinkClicks::label))
                .toList();
    }

    List<ReasonCount> machineReasons() {
        List<ReasonCount> result = new ArrayList<>();
        reasons.forEach((reason, counts) -> result.add(new ReasonCount(reason, counts[0], counts[1])));
        return result;
    }

    EventsPage events() {
        return new EventsPage(List.copyOf(page), totalCount,
                more ? Optional.of(page.get(page.size() - 1).eventId()) : Optional.empty());
    }

    private Instant bucketOf(Instant time) {
        return time.atOffset(ZoneOffset.UTC).truncatedTo(window.bucket()).toInstant();
    }

    private Instant next(Instant start) {
        return start.plus(1, window.bucket() == ChronoUnit.HOURS ? ChronoUnit.HOURS : ChronoUnit.DAYS);
    }

    private static final class LinkTally {
        private final String label;
        private final Optional<String> url;
        private Split clicks = Split.ZERO;

        LinkTally(String label, Optional<String> url) {
            this.label = label;
            this.url = url;
        }

        void add(boolean machine) {
            clicks = clicks.plus(machine);
        }

        LinkClicks result() {
            return new LinkClicks(label, url, clicks);
        }
    }
}
