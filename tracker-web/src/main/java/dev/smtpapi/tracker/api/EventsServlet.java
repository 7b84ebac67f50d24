package dev.smtpapi.tracker.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smtpapi.tracker.event.EventJson;
import dev.smtpapi.tracker.event.TrackingEvent;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/events/message}: events newest first, with SparkPost's parameters ({@link EventsQuery});
 * answers {@code {"results": [...], "total_count": N, "links": {"next": "..."}}}.
 */
public final class EventsServlet extends HttpServlet {
    public static final String MAPPING = "/api/v1/events/message";
    private static final long serialVersionUID = 1L;

    private final transient EventPager pager;
    private final transient EventJson json;
    private final transient ApiResponses responses;
    private final transient Supplier<Instant> settled;
    private final int retryAfterSeconds;

    /**
     * @param settled the default end of the window: the time up to which every recorded event is in Cassandra,
     *     so that a window fixed by a first page holds no event that is still on its way
     */
    public EventsServlet(EventPager pager, EventJson json, ApiResponses responses, Supplier<Instant> settled,
            int retryAfterSeconds) {
        this.pager = pager;
        this.json = json;
        this.responses = responses;
        this.settled = settled;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        QueryParameters parameters = QueryParameters.of(request.getParameterMap());
        Optional<EventPager.Page> read = responses.readEvents(response, retryAfterSeconds,
                () -> pager.page(EventsQuery.parse(parameters, settled.get())));
        if (read.isEmpty()) {
            return;
        }
        EventPager.Page page = read.get();
        ObjectNode body = responses.object();
        ArrayNode results = body.putArray("results");
        for (TrackingEvent event : page.results()) {
            results.add(json.toApi(event));
        }
        body.put("total_count", page.totalCount());
        ObjectNode links = body.putObject("links");
        page.next().ifPresent(cursor -> links.put("next",
                EventPager.nextLink(request.getContextPath(), parameters, cursor)));
        responses.ok(response, body);
    }
}
