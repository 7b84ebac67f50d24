package dev.smtpapi.tracker.config;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Sets;
import dev.smtpapi.config.InvalidOptionException;
import dev.smtpapi.config.Options;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.tracker.event.EventLogSettings;
import dev.smtpapi.tracker.machine.AddressRange;
import dev.smtpapi.tracker.webhook.WebhookSettings;
import dev.smtpapi.tracker.unsubscribe.ForwardingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The tracker's configuration, read once at start-up from {@link Options} (a properties file and the
 * environment, see {@link TrackerSettingsLoader}). Every option has a named constant; a bad value fails with
 * an {@link InvalidOptionException} naming it, so a misconfigured tracker never starts.
 */
public final class TrackerSettings {
    public static final String SIGNING_KEYS_FILE = "signing_keys_file";
    public static final String API_KEY = "api_key";
    public static final String LISTEN_ADDRESS = "listen_address";
    public static final String LISTEN_PORT = "listen_port";
    public static final String TRUSTED_PROXIES = "trusted_proxies";
    public static final String EVENT_LOG_DIR = "event_log_dir";
    /** The former name of {@link #EVENT_LOG_DIR}, still read when that is not given. */
    public static final String SPOOL_DIR = "spool_dir";
    public static final String EVENT_LOG_MAX_BYTES = "event_log_max_bytes";
    public static final String EVENT_LOG_SEGMENT_BYTES = "event_log_segment_bytes";
    public static final String EVENT_LOG_SYNC_MILLIS = "event_log_sync_millis";
    public static final String EVENT_LOG_SYNC_EVENTS = "event_log_sync_events";
    public static final String MAX_EVENTS_PER_TOKEN_PER_MINUTE = "max_events_per_token_per_minute";
    public static final String EVENT_BATCH_SIZE = "event_batch_size";
    public static final String EVENT_RETRY_SECONDS = "event_retry_seconds";
    public static final String EVENT_RETENTION_DAYS = "event_retention_days";
    public static final String MACHINE_CLICK_SECONDS = "machine_click_seconds";
    public static final String RETRY_AFTER_SECONDS = "retry_after_seconds";

    /** Every option the tracker reads, its own and the shared {@code cassandra_*} ones. */
    public static final Set<String> NAMES = union(Sets.union(WebhookSettings.NAMES, ForwardingSettings.NAMES),
            SIGNING_KEYS_FILE, API_KEY, LISTEN_ADDRESS, LISTEN_PORT,
            TRUSTED_PROXIES, EVENT_LOG_DIR, SPOOL_DIR, EVENT_LOG_MAX_BYTES, EVENT_LOG_SEGMENT_BYTES,
            EVENT_LOG_SYNC_MILLIS, EVENT_LOG_SYNC_EVENTS, MAX_EVENTS_PER_TOKEN_PER_MINUTE, EVENT_BATCH_SIZE, EVENT_RETRY_SECONDS,
            EVENT_RETENTION_DAYS, MACHINE_CLICK_SECONDS, RETRY_AFTER_SECONDS,
            StoreSettings.CONTACT_POINTS, StoreSettings.LOCAL_DATACENTER, StoreSettings.KEYSPACE,
            StoreSettings.USERNAME, StoreSettings.PASSWORD, StoreSettings.DRIVER_CONFIG, StoreSettings.CONSISTENCY,
            StoreSettings.CREATE_SCHEMA, StoreSettings.REPLICATION, StoreSettings.MAX_REQUESTS_IN_FLIGHT,
            StoreSettings.CACHE_MESSAGES, StoreSettings.CACHE_RECIPIENTS);

    private static Set<String> union(Set<String> more, String... names) {
        return ImmutableSet.<String>builder().add(names).addAll(more).build();
    }

    private static final int MIN_API_KEY_LENGTH = 16;

    private final Path signingKeysFile;
    private final Optional<String> apiKey;
    private final String listenAddress;
    private final int listenPort;
    private final ImmutableList<AddressRange> trustedProxies;
    private final EventLogSettings eventLog;
    private final int maxEventsPerTokenPerMinute;
    private final int eventBatchSize;
    private final Duration eventRetry;
    private final Duration eventRetention;
    private final Duration machineClickWindow;
    private final int retryAfterSeconds;
    private final StoreSettings store;
    private final WebhookSettings webhooks;
    private final ForwardingSettings unsubscribeForwarding;

    private TrackerSettings(Options options) {
        this.signingKeysFile = options.readableFile(SIGNING_KEYS_FILE).orElseThrow(() ->
                new InvalidOptionException(SIGNING_KEYS_FILE, "missing; name the key file the mailet uses "
                        + "(./smtpapi keygen writes one)"));
        this.apiKey = options.string(API_KEY);
        if (apiKey.isPresent() && apiKey.get().length() < MIN_API_KEY_LENGTH) {
            throw new InvalidOptionException(API_KEY, "expected at least " + MIN_API_KEY_LENGTH + " characters");
        }
        this.listenAddress = options.string(LISTEN_ADDRESS, "127.0.0.1");
        this.listenPort = options.integer(LISTEN_PORT, 8080, 0, 65535);
        this.trustedProxies = parseRanges(options.string(TRUSTED_PROXIES, ""));
        this.eventLog = eventLog(options);
        this.maxEventsPerTokenPerMinute = options.integer(MAX_EVENTS_PER_TOKEN_PER_MINUTE, 30, 1, 1_000_000);
        this.eventBatchSize = options.integer(EVENT_BATCH_SIZE, 10_000, 1, 10_000);
        this.eventRetry = Duration.ofSeconds(options.integer(EVENT_RETRY_SECONDS, 5, 1, 3600));
        this.eventRetention = Duration.ofDays(options.integer(EVENT_RETENTION_DAYS, 30, 1, 3650));
        this.machineClickWindow = Duration.ofSeconds(options.integer(MACHINE_CLICK_SECONDS, 5, 0, 3600));
        this.retryAfterSeconds = options.integer(RETRY_AFTER_SECONDS, 30, 1, 86_400);
        this.store = StoreSettings.from(options);
        this.webhooks = WebhookSettings.from(options, eventLog.directory().resolveSibling("webhooks"));
        this.unsubscribeForwarding = ForwardingSettings.from(options);
    }

    /** Reads and checks every option; throws {@link InvalidOptionException} naming the first bad one. */
    public static TrackerSettings from(Options options) {
        return new TrackerSettings(Objects.requireNonNull(options, "options"));
    }

    private static EventLogSettings eventLog(Options options) {
        String dirOption = options.string(EVENT_LOG_DIR).isPresent() || options.string(SPOOL_DIR).isEmpty()
                ? EVENT_LOG_DIR : SPOOL_DIR;
        Path directory = Path.of(options.string(dirOption, ".smtpapi/tracker/events")).toAbsolutePath();
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new InvalidOptionException(dirOption, "'" + directory + "' exists and is not a directory");
        }
        long maxBytes = options.longValue(EVENT_LOG_MAX_BYTES, 1L << 30, 1L << 20, Long.MAX_VALUE / 2);
        long segmentBytes = options.longValue(EVENT_LOG_SEGMENT_BYTES, Math.min(64L << 20, maxBytes / 4), 4096,
                maxBytes);
        int syncMillis = options.integer(EVENT_LOG_SYNC_MILLIS, 0, 0, 1000);
        int syncEvents = options.integer(EVENT_LOG_SYNC_EVENTS, 1000, 1, 1_000_000);
        return new EventLogSettings(directory, maxBytes, segmentBytes, syncEvents, Duration.ofMillis(syncMillis));
    }

    private static ImmutableList<AddressRange> parseRanges(String value) {
        ImmutableList.Builder<AddressRange> ranges = ImmutableList.builder();
        for (String entry : value.split(",")) {
            if (!entry.isBlank()) {
                try {
                    ranges.add(AddressRange.parse(entry.strip()));
                } catch (IllegalArgumentException e) {
                    throw new InvalidOptionException(TRUSTED_PROXIES, e.getMessage());
                }
            }
        }
        return ranges.build();
    }

    public Path signingKeysFile() {
        return signingKeysFile;
    }

    /** The key the events API asks for; empty when none is configured, and then the API refuses everyone. */
    public Optional<String> apiKey() {
        return apiKey;
    }

    public String listenAddress() {
        return listenAddress;
    }

    public int listenPort() {
        return listenPort;
    }

    /** Proxies whose {@code X-Forwarded-For} is believed; empty means the peer address is the client. */
    public List<AddressRange> trustedProxies() {
        return trustedProxies;
    }

    /** The local event log: directory, bound, segment size and group commit. */
    public EventLogSettings eventLog() {
        return eventLog;
    }

    /** Events recorded per token (one recipient's link or pixel) per minute; requests beyond are not recorded. */
    public int maxEventsPerTokenPerMinute() {
        return maxEventsPerTokenPerMinute;
    }

    public int eventBatchSize() {
        return eventBatchSize;
    }

    /** How long the event writer waits before trying Cassandra again after a failed write. */
    public Duration eventRetry() {
        return eventRetry;
    }

    public Duration eventRetention() {
        return eventRetention;
    }

    /** A click this soon after sending is a link scanner's, not a person's. Zero turns the rule off. */
    public Duration machineClickWindow() {
        return machineClickWindow;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public StoreSettings store() {
        return store;
    }

    /** The {@code webhook_*} options. */
    public WebhookSettings webhooks() {
        return webhooks;
    }

    /** How one-click unsubscribes are passed on to the senders' own URLs. */
    public ForwardingSettings unsubscribeForwarding() {
        return unsubscribeForwarding;
    }
}
