package dev.smtpapi.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away Cassandra node of a test's own (never the shared developer instance), run with
 * {@code ./smtpapi cassandra start|stop} on ports given or picked free at run time, so that a test may stop or
 * kill it.
 */
public final class OwnCassandra {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private final Path data;
    private final int cqlPort;
    private final int storagePort;
    private final int jmxPort;

    private OwnCassandra(Path data, int cqlPort, int storagePort, int jmxPort) {
        this.data = data;
        this.cqlPort = cqlPort;
        this.storagePort = storagePort;
        this.jmxPort = jmxPort;
    }

    /** A node in {@code target/<name>} with its CQL port as given and the other ports following it. */
    public static OwnCassandra at(String name, int cqlPort) {
        return new OwnCassandra(Path.of("target", name).toAbsolutePath(), cqlPort, cqlPort - 2042, cqlPort - 1843);
    }

    /** A node in {@code target/<name>} on three ports free right now. */
    public static OwnCassandra onFreePorts(String name) throws IOException {
        return new OwnCassandra(Path.of("target", name).toAbsolutePath(), freePort(), freePort(), freePort());
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public int port() {
        return cqlPort;
    }

    public void start() throws Exception {
        run("start");
    }

    public void stop() throws Exception {
        run("stop");
    }

    /** {@code kill -9} of the node, as a crash would end it; {@link #start} replays its commit log. */
    public void kill() throws Exception {
        String pid = Files.readString(data.resolve("cassandra.pid")).strip();
        Process kill = new ProcessBuilder("kill", "-KILL", pid).inheritIO().start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(handle -> handle.onExit().join());
    }

    private void run(String command) throws Exception {
        Files.createDirectories(data);
        File log = data.resolveSibling(data.getFileName() + "-" + command + ".log").toFile();
        ProcessBuilder builder = new ProcessBuilder("bash", ROOT.resolve("smtpapi").toString(), "cassandra", command)
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        builder.environment().put("SMTPAPI_CASSANDRA_DIR", data.toString());
        builder.environment().put("SMTPAPI_CASSANDRA_PORT", Integer.toString(cqlPort));
        builder.environment().put("SMTPAPI_CASSANDRA_STORAGE_PORT", Integer.toString(storagePort));
        builder.environment().put("SMTPAPI_CASSANDRA_JMX_PORT", Integer.toString(jmxPort));
        builder.environment().putIfAbsent("SMTPAPI_CASSANDRA_HEAP", "512M");
        // A restart after kill -9 replays the commit log: slow on a busy machine.
        builder.environment().putIfAbsent("SMTPAPI_CASSANDRA_START_TIMEOUT", "360");
        Process process = builder.start();
        if (!process.waitFor(420, TimeUnit.SECONDS)) {
            process.destroy();
            throw new AssertionError("./smtpapi cassandra " + command + " did not finish; see " + log);
        }
        assertThat(process.exitValue()).as("./smtpapi cassandra " + command + " (log " + log + ")").isZero();
    }
}
