package dev.smtpapi.tracker.web;

import dev.smtpapi.config.InvalidOptionException;
import dev.smtpapi.tracker.TrackerRuntime;
import dev.smtpapi.tracker.config.TrackerSettingsLoader;
import dev.smtpapi.tracker.config.TrackerSettings;
import java.net.URI;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker stand-alone, on embedded Jetty 12 (ee10): the same servlets as the WAR, at the root context,
 * listening on {@code listen_address:listen_port}. {@link #main} reads the configuration like the WAR does and
 * stops cleanly on SIGTERM (the queue is flushed to the spool).
 */
public final class TrackerServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrackerServer.class);

    private final TrackerRuntime tracker;
    private final Server server;

    private TrackerServer(TrackerRuntime tracker, Server server) {
        this.tracker = tracker;
        this.server = server;
    }

    /** Starts a tracker and serves it; the returned server owns the tracker. */
    public static TrackerServer start(TrackerSettings settings) throws Exception {
        TrackerRuntime tracker = TrackerRuntime.start(settings);
        try {
            QueuedThreadPool threads = new QueuedThreadPool(200, 8);
            threads.setName("tracker-http");
            Server server = new Server(threads);
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            http.setSendDateHeader(true);
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(settings.listenAddress());
            connector.setPort(settings.listenPort());
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/");
            context.addEventListener(new TrackerListener(tracker));
            server.setHandler(context);
            server.setStopAtShutdown(false);
            server.start();
            return new TrackerServer(tracker, server);
        } catch (Exception e) {
            tracker.close();
            throw e;
        }
    }

    public URI uri() {
        ServerConnector connector = (ServerConnector) server.getConnectors()[0];
        String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + connector.getLocalPort());
    }

    public TrackerRuntime tracker() {
        return tracker;
    }

    /** Stops taking requests, then flushes the event queue to the spool and closes Cassandra. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the HTTP server cleanly", e);
        } finally {
            tracker.close();
        }
    }

    public static void main(String[] args) throws Exception {
        TrackerSettings settings;
        try {
            settings = TrackerSettingsLoader.load(Optional.empty(), System.getenv());
        } catch (InvalidOptionException e) {
            System.err.println("smtpapi tracker: " + e.getMessage());
            System.exit(2);
            return;
        }
        TrackerServer server = start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
                LOG.info("tracker stopped");
            } catch (Exception e) {
                LOG.error("unclean stop", e);
            }
        }, "tracker-shutdown"));
        LOG.info("tracker listening on {}", server.uri());
        server.server.join();
    }
}
