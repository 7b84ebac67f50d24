package dev.smtpapi.tracker.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The baseline of the click benchmark (benchmarks/tracker-load.sh): the same Jetty 12 ee10 servlet stack and
 * thread pool as the stand-alone tracker, answering every {@code /f/...} with a fixed 302 and the tracker's
 * headers, with no token, lookup or event. Usage: {@code BareRedirectServer PORT}.
 */
public final class BareRedirectServer {
    private BareRedirectServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Server server = new Server(new QueuedThreadPool(200, 8));
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new FixedRedirect()), "/f/*");
        server.setHandler(context);
        server.start();
        System.out.println("bare 302 endpoint on http://127.0.0.1:" + port + "/f/");
        server.join();
    }

    private static final class FixedRedirect extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
            response.setStatus(HttpServletResponse.SC_FOUND);
            response.setHeader("Location", "https://shop.example.com/winter-sale?utm_source=mail");
            response.setHeader("Cache-Control", "no-store");
            response.setHeader("X-Robots-Tag", "noindex");
            response.setContentLength(0);
        }
    }
}
