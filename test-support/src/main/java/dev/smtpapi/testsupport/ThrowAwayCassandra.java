package dev.smtpapi.testsupport;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Cassandra node of a test's own, never the shared developer instance: started and stopped with
 * {@code ./smtpapi cassandra start|stop} (run from the module's directory, so the script is one folder up), its
 * data in {@code target/<name>}, on the ports it is given or on ports picked free at run time, so that a test may
 * stop it or kill it -9. Registered as a JUnit extension ({@code @RegisterExtension static final}), it starts
 * before the test class's first test and stops after its last.
 */
public final class ThrowAwayCassandra implements BeforeAllCallback, AfterAllCallback {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private final Path data;
    private final int cqlPort;
    private final int storagePort;
    private final int jmxPort;

    private ThrowAwayCassandra(Path data, int cqlPort, int storagePort, int jmxPort) {
        this.data = data;
        this.cqlPort = cqlPort;
        this.storagePort = storagePort;
        this.jmxPort = jmxPort;
    }

    /** A node in {@code target/<name>} on these three ports. */
    public static ThrowAwayCassandra at(String name, int cqlPort, int storagePort, int jmxPort) {
        return new ThrowAwayCassandra(Path.of("target", name).toAbsolutePath(), cqlPort, storagePort, jmxPort);
    }

    /** A node in {@code target/<name>} on three ports free right now. */
    public static ThrowAwayCassandra onFreePorts(String name) {
        return at(name, FreePort.pick(), FreePort.pick(), FreePort.pick());
    }

    /**
     * A node on the CQL port the system property {@code property} names, storage and JMX 2042 and 1843 below it
     * (40542: 38500 and 38699); on three free ports when the property is not set.
     */
    public static ThrowAwayCassandra onPortOf(String property, String name) {
        Integer port = Integer.getInteger(property);
        return port == null ? onFreePorts(name) : at(name, port, port - 2042, port - 1843);
    }

    public int port() {
        return cqlPort;
    }

    /** Returns once CQL answers. */
    public void start() throws Exception {
        run("start");
    }

    public void stop() throws Exception {
        run("stop");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    /**
     * SIGKILL, as a crash or the OOM killer would end it: no drain, no flush; {@link #start} replays the commit
     * log. Returns once the process is gone.
     */
    public void kill() throws Exception {
        String pid = Files.readString(data.resolve("cassandra.pid")).strip();
        String command = Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ');
        if (!command.contains("CassandraDaemon") || !command.contains("-Dcassandra.storagedir=" + data + " ")) {
            throw new AssertionError("pid " + pid + " is not this test's Cassandra: " + command);
        }
        Process kill = new ProcessBuilder("kill", "-9", pid).inheritIO().start();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -9 " + pid + " failed");
        }
        while (Files.exists(Path.of("/proc", pid))) {
            Thread.sleep(20);
        }
    }

    /** True when the node serves CQL ({@link CqlProbe}). */
    public boolean answersCql() {
        return CqlProbe.answers("127.0.0.1", cqlPort);
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
        if (process.exitValue() != 0) {
            throw new AssertionError("./smtpapi cassandra " + command + " failed (exit " + process.exitValue()
                    + ", log " + log + "): " + Files.readString(log.toPath(), StandardCharsets.UTF_8));
        }
    }
}
