package dev.smtpapi.tracker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The stand-alone tracker ({@code TrackerServer}) in a JVM of its own, on the test's class path, configured by the
 * file {@code SMTPAPI_TRACKER_CONFIG} names, so that a test can kill it with SIGKILL and start it again.
 */
public final class ForkedTracker {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Process process;
    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    private ForkedTracker(Process process, URI base) {
        this.process = process;
        this.base = base;
    }

    /** Starts the tracker with the configuration file {@code config}; returns once {@code base}/healthz answers. */
    public static ForkedTracker start(Path config, URI base, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", classPath,
                "dev.smtpapi.tracker.web.TrackerServer")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("SMTPAPI_TRACKER_CONFIG", config.toString());
        ForkedTracker tracker = new ForkedTracker(builder.start(), base);
        tracker.awaitHealth(log);
        return tracker;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** Waits until the tracker's /healthz reports no event that is only in the event log. */
    public void awaitWriterIdle(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode health = health();
        while (health.path("writer").path("lag_events").asLong(-1) != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("events still not in Cassandra after " + timeout + ": " + health);
            }
            Thread.sleep(200);
            health = health();
        }
    }

    private JsonNode health() throws IOException, InterruptedException {
        return JSON.readTree(http.send(HttpRequest.newBuilder(base.resolve("/healthz"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private void awaitHealth(Path log) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("the tracker exited at start; see " + log);
            }
            try {
                http.send(HttpRequest.newBuilder(base.resolve("/healthz")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the tracker did not answer /healthz within " + START_TIMEOUT
                            + "; see " + log);
                }
                Thread.sleep(100);
            }
        }
    }
}
