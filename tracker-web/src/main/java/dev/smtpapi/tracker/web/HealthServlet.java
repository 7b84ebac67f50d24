package dev.smtpapi.tracker.web;

import dev.smtpapi.tracker.event.EventPipeline;
import dev.smtpapi.tracker.event.EventStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /healthz}: 200 when Cassandra answers, 503 when it does not (clicks whose data is cached still
 * work then, and events are spooled). The body says how many events wait in memory and in the spool.
 */
final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient EventStore events;
    private final transient EventPipeline pipeline;

    HealthServlet(EventStore events, EventPipeline pipeline) {
        this.events = events;
        this.pipeline = pipeline;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean up = events.isReachable();
        String body = "{\"status\":\"" + (up ? "ok" : "degraded") + "\",\"cassandra\":\"" + (up ? "up" : "down")
                + "\",\"events_queued\":" + pipeline.queued()
                + ",\"events_spooled\":" + pipeline.spooled()
                + ",\"spool_bytes\":" + pipeline.spoolBytes() + "}\n";
        response.setStatus(up ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
