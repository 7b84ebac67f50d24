package dev.smtpapi.tracker.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smtpapi.tracker.event.CassandraEventWriter;
import dev.smtpapi.tracker.event.EventLog;
import dev.smtpapi.tracker.event.EventStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /healthz}: 200 and {@code "status":"ok"} when Cassandra answers, the event writer is running and
 * the event log has room; otherwise 503 and {@code "degraded"} (clicks whose data is cached still work then,
 * and events wait in the log). The body reports the writer's state, its lag in events and seconds, and the log's
 * size, bound and dropped events.
 */
final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient EventStore events;
    private final transient EventLog log;
    private final transient CassandraEventWriter writer;
    private final transient ObjectMapper mapper;

    HealthServlet(EventStore events, EventLog log, CassandraEventWriter writer, ObjectMapper mapper) {
        this.events = events;
        this.log = log;
        this.writer = writer;
        this.mapper = mapper;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean up = events.isReachable();
        boolean full = log.isFull();
        CassandraEventWriter.State state = writer.state();
        boolean ok = up && !full && state == CassandraEventWriter.State.RUNNING;
        ObjectNode body = mapper.createObjectNode();
        body.put("status", ok ? "ok" : "degraded");
        body.put("cassandra", up ? "up" : "down");
        ObjectNode writerNode = body.putObject("writer");
        writerNode.put("state", state.code());
        writerNode.put("lag_events", writer.lagEvents());
        writerNode.put("lag_seconds", writer.lag().toMillis() / 1000.0);
        if (!writer.lastError().isEmpty()) {
            writerNode.put("last_error", writer.lastError());
        }
        ObjectNode logNode = body.putObject("event_log");
        logNode.put("bytes", log.sizeBytes());
        logNode.put("max_bytes", log.maxBytes());
        logNode.put("segments", log.segmentCount());
        logNode.put("full", full);
        logNode.put("dropped_events", (long) log.dropped());
        response.setStatus(ok ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        mapper.writeValue(response.getOutputStream(), body);
    }
}
