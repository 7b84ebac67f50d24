package dev.smtpapi.tracker.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The stand-alone tracker in a JVM of its own, on the test's class path, so that it can be killed with SIGKILL. */
final class ForkedTracker {
    private final Process process;
    private final URI base;

    private ForkedTracker(Process process, URI base) {
        this.process = process;
        this.base = base;
    }

    static ForkedTracker start(Path config, URI base, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", classPath,
                "dev.smtpapi.tracker.web.TrackerServer")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("SMTPAPI_TRACKER_CONFIG", config.toString());
        ForkedTracker tracker = new ForkedTracker(builder.start(), base);
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            if (!tracker.process.isAlive()) {
                throw new AssertionError("the tracker exited at start; see " + log);
            }
            try {
                http.send(HttpRequest.newBuilder(base.resolve("/healthz")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return tracker;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the tracker did not answer within 120 s; see " + log);
                }
                Thread.sleep(100);
            }
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
