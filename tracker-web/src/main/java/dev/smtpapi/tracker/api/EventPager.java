package dev.smtpapi.tracker.api;

import dev.smtpapi.tracker.event.EventStore;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Pages through the events of a query, newest first, the way SparkPost's clients page: the first page fixes
 * the window ({@code from}/{@code to}, to the millisecond) and counts {@code total_count} once, by scanning the
 * window; {@code links.next} carries both in its cursor, with the last event returned. A later page reads only
 * from that event down, so its cost is its own size, and it sees exactly the events of the first page's window:
 * none skipped, none twice, however many arrive meanwhile. The legacy {@code page} parameter skips that many
 * pages of the first window instead.
 */
public final class EventPager {
    private final EventStore store;

    public EventPager(EventStore store) {
        this.store = store;
    }

    /** One page of results and, when more follow, the cursor of the next one. */
    public record Page(List<TrackingEvent> results, long totalCount, Optional<EventCursor> next) {
        public Page {
            results = List.copyOf(results);
        }
    }

    /**
     * @throws BadParameterException when the cursor is not one of this query's
     * @throws dev.smtpapi.store.StoreUnavailableException when Cassandra cannot be read
     */
    public Page page(EventsQuery query) {
        EventsQuery.Filters filters = query.filters();
        if (query.cursor().isPresent()) {
            EventCursor cursor = EventCursor.decode(query.cursor().get());
            if (!cursor.fingerprint().equals(filters.fingerprint())) {
                throw new BadParameterException("cursor", "this cursor belongs to a query with other filters");
            }
            return following(query, cursor);
        }
        Instant from = query.window().from().truncatedTo(ChronoUnit.MILLIS);
        Instant to = query.window().to().truncatedTo(ChronoUnit.MILLIS);
        long skip = (long) (query.page() - 1) * query.perPage();
        List<TrackingEvent> results = new ArrayList<>(Math.min(query.perPage(), 1024));
        long total = 0;
        Iterator<TrackingEvent> events = store.newestFirst(from, to);
        while (events.hasNext()) {
            TrackingEvent event = events.next();
            if (!filters.matches(event)) {
                continue;
            }
            total++;
            if (total > skip && results.size() < query.perPage()) {
                results.add(event);
            }
        }
        boolean more = total > skip + results.size();
        return new Page(results, total, more ? Optional.of(new EventCursor(from, to,
                results.get(results.size() - 1).eventId(), total, filters.fingerprint())) : Optional.empty());
    }

    /** The page after the cursor's event, in the cursor's window. */
    private Page following(EventsQuery query, EventCursor cursor) {
        Instant cursorTime = Instant.ofEpochMilli(com.datastax.oss.driver.api.core.uuid.Uuids
                .unixTimestamp(cursor.after()));
        Instant upper = cursorTime.isBefore(cursor.to()) ? cursorTime : cursor.to();
        Iterator<TrackingEvent> events = store.newestFirst(cursor.from(), upper);
        boolean past = false;
        List<TrackingEvent> results = new ArrayList<>(Math.min(query.perPage(), 1024));
        boolean more = false;
        while (events.hasNext()) {
            TrackingEvent event = events.next();
            if (!past) {
                // Events of the cursor's millisecond up to the cursor itself were on earlier pages.
                if (event.eventId().equals(cursor.after())) {
                    past = true;
                    continue;
                }
                if (!event.timestamp().isBefore(cursorTime)) {
                    continue;
                }
                past = true; // the cursor's own event is gone (expired): go on below its time
            }
            if (!query.filters().matches(event)) {
                continue;
            }
            if (results.size() < query.perPage()) {
                results.add(event);
            } else {
                more = true;
                break;
            }
        }
        return new Page(results, cursor.total(), more ? Optional.of(new EventCursor(cursor.from(), cursor.to(),
                results.get(results.size() - 1).eventId(), cursor.total(), cursor.fingerprint())) : Optional.empty());
    }

    /**
     * The {@code links.next} of a page: the cursor, the page size, the window pinned by the first page, and the
     * filters as the client gave them, as a path under {@code contextPath}.
     */
    public static String nextLink(String contextPath, QueryParameters parameters, EventCursor cursor) {
        StringBuilder next = new StringBuilder(contextPath).append("/api/v1/events/message?cursor=")
                .append(cursor.encode());
        parameters.string("per_page").ifPresent(value -> append(next, "per_page", value));
        append(next, "from", cursor.from().toString());
        append(next, "to", cursor.to().toString());
        for (String name : new TreeSet<>(parameters.names())) {
            if (!EventsQuery.CONTROLS.contains(name) || name.equals("delimiter")) {
                parameters.string(name).ifPresent(value -> append(next, name, value));
            }
        }
        return next.toString();
    }

    private static void append(StringBuilder link, String name, String value) {
        link.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
