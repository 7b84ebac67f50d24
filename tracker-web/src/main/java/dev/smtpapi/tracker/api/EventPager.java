package dev.smtpapi.tracker.api;

import dev.smtpapi.tracker.event.EventStore;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Pages through the events of a query, newest first. A page starts after the event its cursor names (the
 * last one of the page before) and holds up to {@code per_page} events; {@code total_count} counts every
 * event of the window that matches the filters. The window is read from Cassandra as it goes, so a page costs
 * a scan of the window.
 */
public final class EventPager {
    private final EventStore store;

    public EventPager(EventStore store) {
        this.store = store;
    }

    /** One page of results and, when more follow, the cursor of the next one. */
    public record Page(List<TrackingEvent> results, long totalCount, Optional<UUID> nextCursor) {
        public Page {
            results = List.copyOf(results);
        }
    }

    /**
     * @throws BadParameterException when the cursor names no event of these results
     * @throws dev.smtpapi.store.StoreUnavailableException when Cassandra cannot be read
     */
    public Page page(EventsQuery query) {
        List<TrackingEvent> results = new ArrayList<>(Math.min(query.perPage(), 1024));
        long total = 0;
        boolean collecting = query.cursor().isEmpty();
        boolean more = false;
        Iterator<TrackingEvent> events = store.newestFirst(query.window().from(), query.window().to());
        while (events.hasNext()) {
            TrackingEvent event = events.next();
            if (!query.matches(event)) {
                continue;
            }
            total++;
            if (!collecting) {
                collecting = event.eventId().equals(query.cursor().get());
                continue;
            }
            if (results.size() < query.perPage()) {
                results.add(event);
            } else {
                more = true;
            }
        }
        if (!collecting) {
            throw new BadParameterException("cursor", "the cursor does not point into these results");
        }
        Optional<UUID> next = more ? Optional.of(results.get(results.size() - 1).eventId()) : Optional.empty();
        return new Page(results, total, next);
    }

    /**
     * The {@code links.next} of a page: the same query (these parameters as given) from {@code cursor} on, as a
     * path under {@code contextPath}.
     */
    public static String nextLink(String contextPath, QueryParameters parameters, UUID cursor) {
        StringBuilder next = new StringBuilder(contextPath).append("/api/v1/events/message?cursor=").append(cursor);
        for (String name : new String[] {"per_page", "from", "to", "events", "campaigns", "recipients"}) {
            parameters.string(name).ifPresent(value -> next.append('&').append(name).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        }
        return next.toString();
    }
}
