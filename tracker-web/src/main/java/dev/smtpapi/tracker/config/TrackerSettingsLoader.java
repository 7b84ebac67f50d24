package dev.smtpapi.tracker.config;

import dev.smtpapi.config.InvalidOptionException;
import dev.smtpapi.config.Options;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the tracker's options come from, the same stand-alone and in a container: one properties file
 * (named by the system property {@value #CONFIG_PROPERTY}, the environment variable {@value #CONFIG_ENV} or
 * the context parameter {@value #CONFIG_PROPERTY} of the WAR), then environment variables that override it,
 * each the option's name in upper case with the prefix {@value #ENV_PREFIX}
 * ({@code cassandra_contact_points} → {@code SMTPAPI_CASSANDRA_CONTACT_POINTS}).
 */
public final class TrackerSettingsLoader {
    private static final Logger LOG = LoggerFactory.getLogger(TrackerSettingsLoader.class);
    public static final String CONFIG_PROPERTY = "smtpapi.tracker.config";
    public static final String CONFIG_ENV = "SMTPAPI_TRACKER_CONFIG";
    public static final String ENV_PREFIX = "SMTPAPI_";

    private TrackerSettingsLoader() {
    }

    /**
     * The file named by the system property, else the environment, else the given context parameter; then
     * the environment's overrides.
     */
    public static TrackerSettings load(Optional<String> contextParameter, Map<String, String> environment) {
        Optional<String> file = Optional.ofNullable(System.getProperty(CONFIG_PROPERTY))
                .or(() -> Optional.ofNullable(environment.get(CONFIG_ENV)))
                .or(() -> contextParameter)
                .filter(name -> !name.isBlank());
        Map<String, String> values = new HashMap<>();
        file.ifPresent(name -> values.putAll(readFile(Path.of(name.strip()))));
        for (String option : TrackerSettings.NAMES) {
            String fromEnvironment = environment.get(ENV_PREFIX + option.toUpperCase(Locale.ROOT));
            if (fromEnvironment != null) {
                values.put(option, fromEnvironment);
            }
        }
        return TrackerSettings.from(Options.from(values));
    }

    /**
     * Options earlier versions read and this one no longer has, with what replaced them: a configuration that
     * still sets one starts, with a warning naming it, instead of failing as a typo would.
     */
    static final Map<String, String> RETIRED = Map.of(
            "event_queue_capacity", "events wait in the durable event log now; its bound is event_log_max_bytes");

    /**
     * Reads a properties file, refusing names the tracker does not know (a typo must not go unnoticed); a
     * {@linkplain #RETIRED retired} option is skipped with a warning.
     */
    public static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tracker configuration " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new HashMap<>();
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            if (RETIRED.containsKey(name)) {
                LOG.warn("tracker configuration {}: option {} is no longer read and has no effect ({}); remove it",
                        file, name, RETIRED.get(name));
                continue;
            }
            if (!TrackerSettings.NAMES.contains(name)) {
                throw new InvalidOptionException(name, "unknown option in " + file + "; known options: "
                        + new TreeSet<>(TrackerSettings.NAMES));
            }
            values.put(name, properties.getProperty(name));
        }
        return values;
    }
}
