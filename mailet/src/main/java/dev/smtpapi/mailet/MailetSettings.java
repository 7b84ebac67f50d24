package dev.smtpapi.mailet;

import dev.smtpapi.config.InvalidOptionException;
import dev.smtpapi.config.Options;
import dev.smtpapi.store.StoreSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The mailet's init parameters, read once in {@code init()}. Every name is spelled as in Momentum's
 * {@code smtpapi} module (docs/behaviour.md §2), plus the signing keys, the Cassandra connection, the top pixel and what to
 * do when tag storage is down. A bad value fails with an {@link InvalidOptionException} naming the parameter.
 */
public final class MailetSettings {
    public static final String OPEN_TRACKING_ENABLED = "open_tracking_enabled";
    public static final String CLICK_TRACKING_ENABLED = "click_tracking_enabled";
    public static final String OPEN_TRACKING_SCHEME = "open_tracking_scheme";
    public static final String CLICK_TRACKING_SCHEME = "click_tracking_scheme";
    public static final String TRACKING_DOMAIN = "tracking_domain";
    public static final String TRACKING_LINK_EXPIRY = "tracking_link_expiry";
    public static final String CLICK_TRACKING_INCLUDE_METADATA = "click_tracking_include_metadata";
    public static final String MAX_METADATA_LEN = "max_metadata_len";
    public static final String INITIAL_OPEN_ENABLED = "initial_open_enabled";
    public static final String SIGNING_KEYS_FILE = "signing_keys_file";
    public static final String ON_STORE_FAILURE = "on_store_failure";

    public static final String DEFAULT_TRACKING_DOMAIN = "localhost:8080";
    public static final long DEFAULT_LINK_EXPIRY_SECONDS = 31_536_000L;
    public static final int DEFAULT_MAX_METADATA_LEN = 1000;
    /** Far enough for any campaign, near enough that expiry stays inside the token's 2106 limit. */
    static final long MAX_LINK_EXPIRY_SECONDS = 20L * 365 * 24 * 3600;

    /** host or host:port; IDN hosts must be given in their ASCII (xn--) form, since URLs carry them as is. */
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    + "|\\[[0-9A-Fa-f:.]+\\]");

    private final boolean openTracking;
    private final boolean clickTracking;
    private final Scheme openScheme;
    private final Scheme clickScheme;
    private final String trackingDomain;
    private final Duration linkExpiry;
    private final boolean clickEventsCarryMetadata;
    private final int maxMetadataLength;
    private final boolean initialOpen;
    private final Path signingKeysFile;
    private final StoreFailurePolicy onStoreFailure;
    private final StoreSettings store;
    private final UnsubscribeOptions unsubscribe;

    private MailetSettings(Options options) {
        this.openTracking = options.bool(OPEN_TRACKING_ENABLED, false);
        this.clickTracking = options.bool(CLICK_TRACKING_ENABLED, false);
        this.openScheme = options.string(OPEN_TRACKING_SCHEME).map(v -> Scheme.parse(OPEN_TRACKING_SCHEME, v))
                .orElse(Scheme.HTTP);
        this.clickScheme = options.string(CLICK_TRACKING_SCHEME).map(v -> Scheme.parse(CLICK_TRACKING_SCHEME, v))
                .orElse(Scheme.HTTP);
        this.trackingDomain = options.string(TRACKING_DOMAIN).map(v -> parseDomain(TRACKING_DOMAIN, v))
                .orElse(DEFAULT_TRACKING_DOMAIN);
        this.linkExpiry = Duration.ofSeconds(options.longValue(TRACKING_LINK_EXPIRY, DEFAULT_LINK_EXPIRY_SECONDS, 1,
                MAX_LINK_EXPIRY_SECONDS));
        this.clickEventsCarryMetadata = options.bool(CLICK_TRACKING_INCLUDE_METADATA, true);
        this.maxMetadataLength = options.integer(MAX_METADATA_LEN, DEFAULT_MAX_METADATA_LEN, 0, 1_000_000);
        this.initialOpen = options.bool(INITIAL_OPEN_ENABLED, false);
        // Required even when both tracking options are off: a header or an attribute can turn tracking on.
        this.signingKeysFile = options.readableFile(SIGNING_KEYS_FILE).orElseThrow(() -> new InvalidOptionException(
                SIGNING_KEYS_FILE, "missing; name the key file shared with the tracker (./smtpapi keygen writes one)"));
        this.onStoreFailure = options.string(ON_STORE_FAILURE).map(StoreFailurePolicy::parse)
                .orElse(StoreFailurePolicy.deliverUntracked());
        this.store = StoreSettings.from(options);
        this.unsubscribe = UnsubscribeOptions.from(options);
    }

    /** Reads and checks every parameter; throws {@link InvalidOptionException} naming the first bad one. */
    public static MailetSettings from(Options options) {
        return new MailetSettings(Objects.requireNonNull(options, "options"));
    }

    static String parseDomain(String option, String value) {
        String host = value;
        boolean portOk = true;
        int colon = value.lastIndexOf(':');
        if (colon > 0 && !value.endsWith("]")) {
            host = value.substring(0, colon);
            String port = value.substring(colon + 1);
            portOk = port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
        }
        if (!portOk || !DOMAIN.matcher(host).matches()) {
            throw new InvalidOptionException(option, "expected host[:port] in ASCII (xn-- form for IDN), was '"
                    + value + "'");
        }
        return value;
    }

    public boolean openTracking() {
        return openTracking;
    }

    public boolean clickTracking() {
        return clickTracking;
    }

    public Scheme openScheme() {
        return openScheme;
    }

    public Scheme clickScheme() {
        return clickScheme;
    }

    public String trackingDomain() {
        return trackingDomain;
    }

    public Duration linkExpiry() {
        return linkExpiry;
    }

    public boolean clickEventsCarryMetadata() {
        return clickEventsCarryMetadata;
    }

    public int maxMetadataLength() {
        return maxMetadataLength;
    }

    public boolean initialOpen() {
        return initialOpen;
    }

    public Path signingKeysFile() {
        return signingKeysFile;
    }

    public StoreFailurePolicy onStoreFailure() {
        return onStoreFailure;
    }

    public StoreSettings store() {
        return store;
    }

    /** One-click unsubscribe and the suppression list. */
    public UnsubscribeOptions unsubscribe() {
        return unsubscribe;
    }

    @Override
    public String toString() {
        return "MailetSettings{open=" + openTracking + ", click=" + clickTracking + ", openScheme="
                + openScheme + ", clickScheme=" + clickScheme + ", domain=" + trackingDomain + ", expiry="
                + linkExpiry.getSeconds() + "s, clickMetadata=" + clickEventsCarryMetadata + ", maxMetadataLen="
                + maxMetadataLength + ", initialOpen=" + initialOpen + ", onStoreFailure=" + onStoreFailure
                + ", " + store + ", " + unsubscribe + "}";
    }

    /** The scheme of tracked URLs. */
    public enum Scheme {
        HTTP, HTTPS;

        static Scheme parse(String option, String value) {
            switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "http":
                    return HTTP;
                case "https":
                    return HTTPS;
                default:
                    throw new InvalidOptionException(option, "expected http or https, was '" + value + "'");
            }
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What happens to a mail whose tag data cannot be written: delivered untracked (original body, header
     * removed), or sent to a named processor so the operator can retry it.
     */
    public static final class StoreFailurePolicy {
        public static final String DELIVER_UNTRACKED = "deliver_untracked";
        private static final Pattern PROCESSOR_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

        private final Optional<String> processor;

        private StoreFailurePolicy(Optional<String> processor) {
            this.processor = processor;
        }

        public static StoreFailurePolicy deliverUntracked() {
            return new StoreFailurePolicy(Optional.empty());
        }

        public static StoreFailurePolicy sendTo(String processor) {
            return new StoreFailurePolicy(Optional.of(processor));
        }

        static StoreFailurePolicy parse(String value) {
            if (value.equalsIgnoreCase(DELIVER_UNTRACKED)) {
                return deliverUntracked();
            }
            if (!PROCESSOR_NAME.matcher(value).matches()) {
                throw new InvalidOptionException(ON_STORE_FAILURE, "expected " + DELIVER_UNTRACKED
                        + " or the name of a processor, was '" + value + "'");
            }
            return sendTo(value);
        }

        /** The processor to send the mail to; empty means deliver it untracked. */
        public Optional<String> processor() {
            return processor;
        }

        @Override
        public String toString() {
            return processor.orElse(DELIVER_UNTRACKED);
        }
    }
}
