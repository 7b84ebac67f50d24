package dev.smtpapi.tracker.web;

import dev.smtpapi.tracker.TrackerRuntime;
import dev.smtpapi.tracker.api.ApiKeyFilter;
import dev.smtpapi.tracker.api.ApiNotFoundServlet;
import dev.smtpapi.tracker.api.ApiResponses;
import dev.smtpapi.tracker.api.CampaignMetrics;
import dev.smtpapi.tracker.api.CampaignMetricsServlet;
import dev.smtpapi.tracker.api.EventPager;
import dev.smtpapi.tracker.api.EventsServlet;
import dev.smtpapi.tracker.report.ReportServlet;
import dev.smtpapi.tracker.webhook.Webhooks;
import dev.smtpapi.tracker.api.SuppressionListServlet;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;

/**
 * Every filter and servlet of the tracker, in one place: the WAR (through {@link TrackerListener} in web.xml)
 * and the stand-alone server ({@link TrackerServer}, through the same listener) both register exactly these.
 *
 * <p>To add an endpoint, add one {@code servlet(...)} line to {@link #register}, handing the servlet the parts
 * of the {@link TrackerRuntime} it uses. Anything mapped under {@code /api/} is behind the API key
 * ({@link ApiKeyFilter}) and should answer through {@link ApiResponses}. Exact paths win over path prefixes,
 * and longer prefixes over shorter ones, whatever the order of the lines.
 */
public final class TrackerEndpoints {
    private final ServletContext context;

    private TrackerEndpoints(ServletContext context) {
        this.context = context;
    }

    /** Registers every filter and servlet of the tracker in {@code context}. */
    public static void register(ServletContext context, TrackerRuntime tracker) {
        TrackerEndpoints endpoints = new TrackerEndpoints(context);
        ApiResponses api = new ApiResponses(tracker.mapper());
        int retryAfter = tracker.settings().retryAfterSeconds();
        EngagementRecorder recorder = new EngagementRecorder(tracker.log(),
                new TokenEventCap(tracker.settings().maxEventsPerTokenPerMinute()), tracker.detector(),
                new ClientAddress(tracker.settings().trustedProxies()), tracker.clock(), tracker.registry(),
                new LinkUnsubscribe(tracker.unsubscriber()));

        endpoints.filter("api-key", new ApiKeyFilter(tracker.settings().apiKey(), api), ApiKeyFilter.MAPPING);

        endpoints.servlet("click", new ClickServlet(tracker.codec(), tracker.lookup(), recorder, retryAfter,
                tracker.registry()), "/f/*").setAsyncSupported(true); // answered once the event is on disk
        endpoints.servlet("open", new OpenServlet(tracker.codec(), tracker.lookup(), recorder,
                tracker.registry()), "/q/*").setAsyncSupported(true);
        endpoints.servlet("events", new EventsServlet(new EventPager(tracker.events()), tracker.json(), api,
                tracker.writer()::settledUntil, retryAfter), EventsServlet.MAPPING);
        endpoints.servlet("campaign-metrics", new CampaignMetricsServlet(new CampaignMetrics(tracker.events()), api,
                tracker.writer()::settledUntil, retryAfter), CampaignMetricsServlet.MAPPING);
        endpoints.servlet("webhooks", tracker.webhooks().servlet(api, retryAfter), Webhooks.MAPPING);
        endpoints.servlet("unsubscribe", new UnsubscribeServlet(tracker.codec(), tracker.lookup(),
                tracker.suppressionList(), tracker.unsubscriber(), new ClientAddress(tracker.settings().trustedProxies()),
                retryAfter, tracker.registry()), UnsubscribeServlet.MAPPING);
        endpoints.servlet("suppression-list", new SuppressionListServlet(tracker.suppressionList(), api,
                tracker.clock(), retryAfter), SuppressionListServlet.MAPPINGS);
        endpoints.servlet("api-not-found", new ApiNotFoundServlet(api), ApiNotFoundServlet.MAPPING);
        endpoints.servlet("health", new HealthServlet(tracker.events(), tracker.log(), tracker.writer(),
                tracker.mapper()), "/healthz");
        endpoints.servlet("metrics", new MetricsServlet(tracker.registry()), "/metrics");
        endpoints.servlet("report", ReportServlet.create(tracker.events(), tracker.counters(), tracker.mapper(),
                tracker.settings().apiKey(), tracker.clock(), tracker.writer()::settledUntil, retryAfter), ReportServlet.MAPPING);
        endpoints.servlet("not-found", new NotFoundServlet(), "/");
    }

    private ServletRegistration.Dynamic servlet(String name, Servlet servlet, String... mappings) {
        ServletRegistration.Dynamic registration = context.addServlet(name, servlet);
        if (registration == null) {
            throw new IllegalStateException("two servlets are named '" + name + "'");
        }
        registration.addMapping(mappings);
        registration.setLoadOnStartup(1);
        return registration;
    }

    private void filter(String name, Filter filter, String... mappings) {
        FilterRegistration.Dynamic registration = context.addFilter(name, filter);
        if (registration == null) {
            throw new IllegalStateException("two filters are named '" + name + "'");
        }
        registration.addMappingForUrlPatterns(null, false, mappings);
    }
}
