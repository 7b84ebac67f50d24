package dev.smtpapi.tracker.web;

import dev.smtpapi.tracker.Tracker;
import dev.smtpapi.tracker.config.TrackerConfiguration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the tracker with the web application and registers its servlets. In a WAR (declared in web.xml) it
 * reads the configuration itself: the file named by {@code -Dsmtpapi.tracker.config},
 * {@code SMTPAPI_TRACKER_CONFIG} or the context parameter {@code smtpapi.tracker.config}, then the
 * environment. Stand-alone, {@link TrackerServer} hands it a tracker it has already started.
 *
 * <p>A bad configuration or an unreachable Cassandra fails the start, so the container marks the application
 * unavailable instead of serving broken links.
 */
public final class TrackerListener implements ServletContextListener {
    private static final Logger LOG = LoggerFactory.getLogger(TrackerListener.class);

    private Tracker tracker;
    private final boolean owned;

    /** For web.xml: the listener starts and stops its own tracker. */
    public TrackerListener() {
        this.owned = true;
    }

    /** For an embedding server that owns the tracker's life. */
    public TrackerListener(Tracker tracker) {
        this.tracker = tracker;
        this.owned = false;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (tracker == null) {
            try {
                tracker = Tracker.start(TrackerConfiguration.load(
                        Optional.ofNullable(context.getInitParameter(TrackerConfiguration.CONFIG_PROPERTY)),
                        System.getenv()));
            } catch (RuntimeException e) {
                LOG.error("the tracker cannot start: {}", e.getMessage());
                throw e;
            }
        }
        EngagementRecorder recorder = new EngagementRecorder(tracker);
        add(context, "click", new ClickServlet(tracker, recorder), "/f/*");
        add(context, "open", new OpenServlet(tracker, recorder), "/q/*");
        add(context, "api", new ApiServlet(tracker), "/api/v1/*");
        add(context, "unsubscribe", new UnsubscribeServlet(tracker), "/u/*");
        add(context, "suppression-list", new SuppressionApiServlet(tracker), SuppressionApiServlet.PATH,
                SuppressionApiServlet.PATH + "/*");
        add(context, "health", new HealthServlet(tracker), "/healthz");
        add(context, "metrics", new MetricsServlet(tracker), "/metrics");
        add(context, "not-found", new NotFoundServlet(), "/");
    }

    private static void add(ServletContext context, String name, jakarta.servlet.Servlet servlet,
            String... mappings) {
        ServletRegistration.Dynamic registration = context.addServlet(name, servlet);
        registration.addMapping(mappings);
        registration.setLoadOnStartup(1);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (owned && tracker != null) {
            tracker.close();
            tracker = null;
        }
    }
}
