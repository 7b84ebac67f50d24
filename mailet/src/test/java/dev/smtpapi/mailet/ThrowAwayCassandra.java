package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Cassandra node of the test's own, started and stopped with {@code ./smtpapi cassandra} on the CQL port it is
 * given (storage and JMX on the two ports after it), never the shared developer instance; it can be killed -9.
 */
final class ThrowAwayCassandra {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private final Path data;
    private final int port;

    ThrowAwayCassandra(Path data, int port) {
        this.data = data.toAbsolutePath();
        this.port = port;
    }

    int port() {
        return port;
    }

    /** Returns once CQL answers. */
    void start() throws Exception {
        run("start");
    }

    void stop() throws Exception {
        run("stop");
    }

    /** SIGKILL, as a crash or the OOM killer would: no drain, no flush; the commit log is replayed at start. */
    void kill() throws Exception {
        String pid = Files.readString(data.resolve("cassandra.pid")).strip();
        String command = Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ');
        assertThat(command).as("pid %s is this test's Cassandra", pid)
                .contains("CassandraDaemon").contains("-Dcassandra.storagedir=" + data + " ");
        Process kill = new ProcessBuilder("kill", "-9", pid).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        while (Files.exists(Path.of("/proc", pid))) {
            Thread.sleep(20);
        }
    }

    /** True when a native-protocol OPTIONS request is answered by SUPPORTED: CQL is being served. */
    boolean answersCql() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {4, 0, 0, 1, 5, 0, 0, 0, 0});
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] header = in.readNBytes(5);
            return header.length == 5 && (header[0] & 0xff) == 0x84 && header[4] == 6;
        } catch (IOException e) {
            return false;
        }
    }

    private void run(String command) throws Exception {
        Files.createDirectories(data);
        File log = data.resolveSibling(data.getFileName() + "-" + command + ".log").toFile();
        ProcessBuilder builder = new ProcessBuilder("bash", ROOT.resolve("smtpapi").toString(), "cassandra", command)
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        builder.environment().put("SMTPAPI_CASSANDRA_DIR", data.toString());
        builder.environment().put("SMTPAPI_CASSANDRA_PORT", Integer.toString(port));
        builder.environment().put("SMTPAPI_CASSANDRA_STORAGE_PORT", Integer.toString(port + 1));
        builder.environment().put("SMTPAPI_CASSANDRA_JMX_PORT", Integer.toString(port + 2));
        Process process = builder.start();
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroy();
            throw new AssertionError("./smtpapi cassandra " + command + " did not finish; see " + log);
        }
        assertThat(process.exitValue()).as("./smtpapi cassandra %s (log %s): %s", command, log,
                Files.readString(log.toPath(), StandardCharsets.UTF_8)).isZero();
    }
}
