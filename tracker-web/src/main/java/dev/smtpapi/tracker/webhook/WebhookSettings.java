package dev.smtpapi.tracker.webhook;

import dev.smtpapi.config.InvalidOptionException;
import dev.smtpapi.config.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How the tracker pushes events to webhooks, read once from the tracker's options.
 *
 * @param batchSize at most this many events in one batch ({@value #BATCH_SIZE})
 * @param timeout how long one attempt may take, connecting to reading the answer ({@value #TIMEOUT_SECONDS})
 * @param firstRetry the wait after the first failed attempt; each later wait doubles ({@value #RETRY_FIRST_SECONDS})
 * @param longestRetry the longest wait between two attempts ({@value #RETRY_LONGEST_SECONDS})
 * @param giveUpAfter a batch not delivered this long after it was made is failed ({@value #GIVE_UP_SECONDS})
 * @param directory where this node's pending batches wait, one file each ({@value #DIRECTORY}; by default
 *     {@code webhooks} beside the tracker's event log directory)
 * @param refresh how often the set of webhooks is read again from Cassandra ({@value #REFRESH_SECONDS})
 */
public record WebhookSettings(int batchSize, Duration timeout, Duration firstRetry, Duration longestRetry,
        Duration giveUpAfter, Path directory, Duration refresh) {
    public static final String BATCH_SIZE = "webhook_batch_size";
    public static final String TIMEOUT_SECONDS = "webhook_timeout_seconds";
    public static final String RETRY_FIRST_SECONDS = "webhook_retry_first_seconds";
    public static final String RETRY_LONGEST_SECONDS = "webhook_retry_longest_seconds";
    public static final String GIVE_UP_SECONDS = "webhook_give_up_seconds";
    public static final String DIRECTORY = "webhook_dir";
    public static final String REFRESH_SECONDS = "webhook_refresh_seconds";

    public static final Set<String> NAMES = Set.of(BATCH_SIZE, TIMEOUT_SECONDS, RETRY_FIRST_SECONDS,
            RETRY_LONGEST_SECONDS, GIVE_UP_SECONDS, DIRECTORY, REFRESH_SECONDS);

    public WebhookSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(firstRetry, "firstRetry");
        Objects.requireNonNull(longestRetry, "longestRetry");
        Objects.requireNonNull(giveUpAfter, "giveUpAfter");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(refresh, "refresh");
    }

    /**
     * Reads the {@code webhook_*} options; a bad one fails with an {@link InvalidOptionException} naming it.
     * {@code defaultDirectory} is the batch directory when {@value #DIRECTORY} is not set.
     */
    public static WebhookSettings from(Options options, Path defaultDirectory) {
        int batchSize = options.integer(BATCH_SIZE, 100, 1, 10_000);
        Duration timeout = Duration.ofSeconds(options.integer(TIMEOUT_SECONDS, 10, 1, 300));
        Duration firstRetry = Duration.ofSeconds(options.integer(RETRY_FIRST_SECONDS, 10, 1, 86_400));
        Duration longestRetry = Duration.ofSeconds(options.integer(RETRY_LONGEST_SECONDS, 3600, 1, 86_400));
        if (longestRetry.compareTo(firstRetry) < 0) {
            throw new InvalidOptionException(RETRY_LONGEST_SECONDS, "must be at least " + RETRY_FIRST_SECONDS
                    + " (" + firstRetry.toSeconds() + "), was " + longestRetry.toSeconds());
        }
        Duration giveUp = Duration.ofSeconds(options.integer(GIVE_UP_SECONDS, 8 * 3600, 1, 30 * 86_400));
        Path directory = options.string(DIRECTORY).map(Path::of).orElse(defaultDirectory).toAbsolutePath();
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new InvalidOptionException(DIRECTORY, "'" + directory + "' exists and is not a directory");
        }
        Duration refresh = Duration.ofSeconds(options.integer(REFRESH_SECONDS, 10, 1, 3600));
        return new WebhookSettings(batchSize, timeout, firstRetry, longestRetry, giveUp, directory, refresh);
    }

    /** The wait before attempt {@code failures + 1}, after {@code failures} failed ones (at least one). */
    public Duration retryDelay(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        Duration delay = firstRetry.multipliedBy(1L << doublings);
        return delay.compareTo(longestRetry) > 0 ? longestRetry : delay;
    }
}
