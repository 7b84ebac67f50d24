package dev.smtpapi.tracker.web;

import dev.smtpapi.tracker.TrackerRuntime;
import dev.smtpapi.tracker.config.TrackerSettingsLoader;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the tracker with the web application and registers its filters and servlets ({@link TrackerEndpoints}). In a WAR (declared in web.xml) it
 * reads the configuration itself: the file named by {@code -Dsmtpapi.tracker.config},
 * {@code SMTPAPI_TRACKER_CONFIG} or the context parameter {@code smtpapi.tracker.config}, then the
 * environment. Stand-alone, {@link TrackerServer} hands it a tracker it has already started.
 *
 * <p>A bad configuration or an unreachable Cassandra fails the start, so the container marks the application
 * unavailable instead of serving broken links.
 */
public final class TrackerListener implements ServletContextListener {
    private static final Logger LOG = LoggerFactory.getLogger(TrackerListener.class);

    private TrackerRuntime tracker;
    private final boolean owned;

    /** For web.xml: the listener starts and stops its own tracker. */
    public TrackerListener() {
        this.owned = true;
    }

    /** For an embedding server that owns the tracker's life. */
    public TrackerListener(TrackerRuntime tracker) {
        this.tracker = tracker;
        this.owned = false;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (tracker == null) {
            try {
                tracker = TrackerRuntime.start(TrackerSettingsLoader.load(
                        Optional.ofNullable(context.getInitParameter(TrackerSettingsLoader.CONFIG_PROPERTY)),
                        System.getenv()));
            } catch (RuntimeException e) {
                LOG.error("the tracker cannot start: {}", e.getMessage());
                throw e;
            }
        }
        TrackerEndpoints.register(context, tracker);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (owned && tracker != null) {
            tracker.close();
            tracker = null;
        }
    }
}
