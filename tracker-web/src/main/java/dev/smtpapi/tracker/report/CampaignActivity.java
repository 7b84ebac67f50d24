package dev.smtpapi.tracker.report;

import dev.smtpapi.tracker.api.CampaignMetrics.Split;
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

/**
 * What one campaign's page shows beyond the events API's counts, gathered in one pass over its events: opens
 * and clicks per hour or day, clicks per link, and machine events per reason. Fed by a single thread, then
 * read.
 */
final class CampaignActivity {
    /** Opens and clicks whose time falls in [{@code start}, the next bucket's start). */
    record Bucket(Instant start, long opens, long clicks) {
    }

    /** Clicks of one link: {@code label} is its {@code target_link_name}, else its URL. */
    record LinkClicks(String label, Optional<String> url, Split clicks) {
    }

    /** Machine events of one {@code machine_reason}. */
    record ReasonCount(String reason, long opens, long clicks) {
    }

    private final ChronoUnit bucket;
    private final TreeMap<Instant, long[]> buckets = new TreeMap<>();
    private final Map<String, LinkTally> links = new LinkedHashMap<>();
    private final Map<String, long[]> reasons = new TreeMap<>();

    /** Empty buckets for the whole window, so the chart shows the hours or days nothing happened in. */
    CampaignActivity(ReportWindow window) {
        this.bucket = window.bucket();
        for (Instant start = bucketOf(window.from()); !start.isAfter(window.to()); start = start.plus(1, bucket)) {
            buckets.put(start, new long[2]);
        }
    }

    void add(TrackingEvent event) {
        boolean click = event.type().isClick();
        buckets.computeIfAbsent(bucketOf(event.timestamp()), start -> new long[2])[click ? 1 : 0]++;
        if (click) {
            Optional<String> name = event.targetLinkName().filter(text -> !text.isEmpty());
            String label = name.or(event::targetLinkUrl).orElse("");
            links.computeIfAbsent(label, key -> new LinkTally(label, name.flatMap(text -> event.targetLinkUrl())))
                    .add(event.isMachine());
        }
        event.machineReason().ifPresent(reason ->
                reasons.computeIfAbsent(reason.code(), code -> new long[2])[click ? 1 : 0]++);
    }

    ChronoUnit bucket() {
        return bucket;
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

    private Instant bucketOf(Instant time) {
        return time.atOffset(ZoneOffset.UTC).truncatedTo(bucket).toInstant();
    }

    private static final class LinkTally {
        private final String label;
        private final Optional<String> url;
        private long human;
        private long machine;

        LinkTally(String label, Optional<String> url) {
            this.label = label;
            this.url = url;
        }

        void add(boolean isMachine) {
            if (isMachine) {
                machine++;
            } else {
                human++;
            }
        }

        LinkClicks result() {
            return new LinkClicks(label, url, new Split(human, machine, human + machine));
        }
    }
}
