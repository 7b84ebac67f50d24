package dev.smtpapi.e2e;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What runs where, read from the {@code KEY=VALUE} file that {@code scripts/stack.sh} writes
 * ({@code .smtpapi/stack.env} for {@code ./smtpapi up}, {@code .smtpapi/test-stack/stack.env} for the tests).
 *
 * <p>It is named by the system property {@value #PROPERTY}. A missing property, file or key is a failure with
 * the command that fixes it, never a reason to skip: these tests exist to prove the stack works.
 */
record Stack(int smtpPort, int imapPort, URI trackerUrl, String apiKey, String domain, String password,
             Path sinkDirectory) {
    static final String PROPERTY = "smtpapi.stack.env";
    private static final String HOW_TO_RUN = "run the end-to-end tests with ./smtpapi test (it starts the stack "
            + "with scripts/stack.sh test-up), or start a stack yourself (./smtpapi up) and pass its file: "
            + "mvn -pl e2e verify -D" + PROPERTY + "=$PWD/.smtpapi/stack.env";

    static Stack fromSystemProperty() {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isBlank()) {
            throw new IllegalStateException("no stack to test: the system property " + PROPERTY
                    + " is not set; " + HOW_TO_RUN);
        }
        return load(Path.of(name));
    }

    static Stack load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no stack to test: " + file + " does not exist, so no James, tracker "
                    + "and Cassandra are running for these tests; " + HOW_TO_RUN);
        }
        Properties values = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            values.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new Stack(
                Integer.parseInt(required(values, "SMTP_PORT", file)),
                Integer.parseInt(required(values, "IMAP_PORT", file)),
                URI.create(required(values, "TRACKER_URL", file)),
                required(values, "API_KEY", file),
                required(values, "DOMAIN", file),
                required(values, "PASSWORD", file),
                Path.of(required(values, "SINK_DIR", file)));
    }

    private static String required(Properties values, String key, Path file) {
        String value = values.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(file + " has no " + key + "; was it written by scripts/stack.sh?");
        }
        return value.strip();
    }

    /** A local user's address, such as {@code bob@demo.local}. */
    String address(String user) {
        return user + "@" + domain;
    }

    /** The prefix every click URL of this stack starts with. */
    String clickPrefix() {
        return trackerUrl + "/f/";
    }

    /** The prefix every open-pixel URL of this stack starts with. */
    String openPrefix() {
        return trackerUrl + "/q/";
    }
}
