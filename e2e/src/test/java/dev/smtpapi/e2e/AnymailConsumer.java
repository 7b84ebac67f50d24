package dev.smtpapi.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * django-anymail's SparkPost tracking webhook, served by a real Django development server (Debian's
 * {@code python3-django-anymail} on {@code /usr/bin/python3}) from the small project in
 * {@code src/test/resources/anymail-consumer}. Its tracking-signal receiver writes each event it gets to a
 * JSON-lines file, and a middleware in front records every try of every batch (and can refuse the first
 * tries with a 500); this class starts and stops the server and reads both files.
 */
final class AnymailConsumer implements AutoCloseable {
    static final String PYTHON = System.getProperty("smtpapi.python", "/usr/bin/python3");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path directory;
    private final int port;
    private final String secret;
    private Process server;

    private AnymailConsumer(Path directory, int port, String secret) {
        this.directory = directory;
        this.port = port;
        this.secret = secret;
    }

    /** A consumer on a free loopback port, with Basic auth {@code secret} ("user:password"); not started. */
    static AnymailConsumer create(String secret) throws IOException {
        Path directory = Files.createTempDirectory(Path.of("target"), "anymail-consumer-").toAbsolutePath();
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return new AnymailConsumer(directory, probe.getLocalPort(), secret);
        }
    }

    /** The URL of anymail's SparkPost tracking webhook. */
    URI webhookUrl() {
        return URI.create("http://127.0.0.1:" + port + "/anymail/sparkpost/tracking/");
    }

    /** Starts the server (answering 500 to the first {@code failFirstTries} tries of each batch) and waits for it. */
    void start(int failFirstTries) throws IOException, InterruptedException {
        Path project = project();
        ProcessBuilder builder = new ProcessBuilder(PYTHON, "-m", "django", "runserver", "127.0.0.1:" + port,
                "--noreload")
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("django.log").toFile()));
        builder.environment().put("PYTHONPATH", project.toString());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        builder.environment().put("DJANGO_SETTINGS_MODULE", "consumer.settings");
        builder.environment().put("ANYMAIL_WEBHOOK_SECRET", secret);
        builder.environment().put("CONSUMER_EVENTS_FILE", directory.resolve("events.jsonl").toString());
        builder.environment().put("CONSUMER_ATTEMPTS_FILE", directory.resolve("attempts.jsonl").toString());
        builder.environment().put("CONSUMER_FAIL_FIRST_TRIES", Integer.toString(failFirstTries));
        server = builder.start();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!listening()) {
            if (!server.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the Django consumer did not start (is python3-django-anymail "
                        + "installed? apt-get install python3-django-anymail); its log:\n" + log());
            }
            Thread.sleep(200);
        }
    }

    /** Stops the server, as a crash of the consumer would: nothing answers on its port until it starts again. */
    void stop() throws InterruptedException {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            server = null;
        }
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Every event anymail's tracking signal delivered, in the order it came. */
    List<JsonNode> events() throws IOException {
        return lines(directory.resolve("events.jsonl"));
    }

    /** Every try of every batch: its batch id, its number and the status answered. */
    List<JsonNode> attempts() throws IOException {
        return lines(directory.resolve("attempts.jsonl"));
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                }
            }
        }
        return lines;
    }

    String log() throws IOException {
        Path log = directory.resolve("django.log");
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }

    private static Path project() {
        try {
            return Path.of(AnymailConsumer.class.getResource("/anymail-consumer/consumer/settings.py").toURI())
                    .getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
