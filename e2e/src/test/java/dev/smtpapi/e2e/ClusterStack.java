package dev.smtpapi.e2e;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The cluster side of a stack that {@code scripts/stack.sh test-up} started with
 * {@code SMTPAPI_CASSANDRA_NODES=3} ({@code ./smtpapi test-cluster} does): the second tracker, the three
 * Cassandra nodes, and {@code scripts/cluster.sh} to kill and start them. Read from the same
 * {@code stack.env} as {@link Stack}; a stack with one node fails here, naming the command that starts a
 * cluster.
 */
record ClusterStack(URI tracker2Url, List<InetSocketAddress> contactPoints, Path clusterDir, Path clusterScript) {
    private static final Duration NODE_COMMAND_TIMEOUT = Duration.ofMinutes(8);  // above scripts/cluster.sh's 5 minutes a node

    static ClusterStack fromSystemProperty() {
        Stack.fromSystemProperty();  // fails first, and clearly, when there is no stack at all
        Path file = Path.of(System.getProperty(Stack.PROPERTY));
        Properties values = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            values.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!"3".equals(values.getProperty("CASSANDRA_NODES", "").strip())) {
            throw new IllegalStateException(file + " describes a stack on " + values.getProperty("CASSANDRA_NODES", "?")
                    + " Cassandra node(s), not a three-node cluster: run these tests with ./smtpapi test-cluster");
        }
        List<InetSocketAddress> points = new ArrayList<>();
        for (String point : required(values, "CASSANDRA_CONTACT_POINTS", file).split(",")) {
            int colon = point.lastIndexOf(':');
            points.add(new InetSocketAddress(point.substring(0, colon).strip(),
                    Integer.parseInt(point.substring(colon + 1).strip())));
        }
        return new ClusterStack(URI.create(required(values, "TRACKER2_URL", file)), List.copyOf(points),
                Path.of(required(values, "CLUSTER_DIR", file)), Path.of(required(values, "CLUSTER_SCRIPT", file)));
    }

    private static String required(Properties values, String key, Path file) {
        String value = values.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(file + " has no " + key + "; was it written by scripts/stack.sh test-up "
                    + "with SMTPAPI_CASSANDRA_NODES=3 (./smtpapi test-cluster)?");
        }
        return value.strip();
    }

    /** The address node {@code n} (1..3) listens on: 127.0.0.n. */
    InetSocketAddress node(int n) {
        return contactPoints.get(n - 1);
    }

    /** Kills node {@code n} with SIGKILL, as a crash or a pulled plug would. */
    void killNode(int n) throws IOException, InterruptedException {
        runClusterScript("kill-node", n);
    }

    /** Starts node {@code n} again and returns once it answers CQL. */
    void startNode(int n) throws IOException, InterruptedException {
        runClusterScript("start-node", n);
    }

    /** The log of node {@code n}. */
    Path nodeLog(int n) {
        return clusterDir.resolve("node" + n).resolve("logs").resolve("cassandra.log");
    }

    private void runClusterScript(String command, int n) throws IOException, InterruptedException {
        Path log = clusterDir.resolve("test-" + command + "-" + n + ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", clusterScript.toString(), command, String.valueOf(n))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("SMTPAPI_CLUSTER_DIR", clusterDir.toString());
        Process process = builder.start();
        if (!process.waitFor(NODE_COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroy();
            throw new AssertionError("scripts/cluster.sh " + command + " " + n + " did not finish within "
                    + NODE_COMMAND_TIMEOUT.toMinutes() + " minutes; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("scripts/cluster.sh " + command + " " + n + " failed (exit " + process.exitValue()
                    + "): " + Files.readString(log, StandardCharsets.UTF_8));
        }
    }
}
