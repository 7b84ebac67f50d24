package dev.smtpapi.tracker.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/metrics/campaigns}: per campaign, opens, unique opens, clicks and unique clicks, each split
 * into human and machine, over the {@code from}/{@code to} window, for the {@code campaigns} asked (all when none).
 */
public final class CampaignMetricsServlet extends HttpServlet {
    public static final String MAPPING = "/api/v1/metrics/campaigns";
    private static final long serialVersionUID = 1L;

    private final transient CampaignMetrics metrics;
    private final transient ApiResponses responses;
    private final transient Supplier<Instant> settled;
    private final int retryAfterSeconds;

    /**
     * @param settled the default end of the window: the time up to which every recorded event is in Cassandra,
     *     the same as the events API's, so both count the same events
     */
    public CampaignMetricsServlet(CampaignMetrics metrics, ApiResponses responses, Supplier<Instant> settled,
            int retryAfterSeconds) {
        this.metrics = metrics;
        this.responses = responses;
        this.settled = settled;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        QueryParameters parameters = QueryParameters.of(request.getParameterMap());
        Optional<Map<String, CampaignMetrics.Counts>> read = responses.readEvents(response, retryAfterSeconds,
                () -> metrics.count(TimeWindow.parse(parameters, settled.get()),
                        parameters.list("campaigns", false)));
        if (read.isEmpty()) {
            return;
        }
        Map<String, CampaignMetrics.Counts> counts = read.get();
        ObjectNode body = responses.object();
        ArrayNode results = body.putArray("results");
        counts.forEach((campaign, count) -> {
            ObjectNode row = results.addObject();
            row.put("campaign_id", campaign);
            split(row.putObject("opens"), count.opens());
            split(row.putObject("unique_opens"), count.uniqueOpens());
            split(row.putObject("clicks"), count.clicks());
            split(row.putObject("unique_clicks"), count.uniqueClicks());
        });
        responses.ok(response, body);
    }

    private static void split(ObjectNode node, CampaignMetrics.Split split) {
        node.put("human", split.human());
        node.put("machine", split.machine());
        node.put("total", split.total());
    }
}
