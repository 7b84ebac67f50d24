package dev.smtpapi.mailet;

import dev.smtpapi.config.InvalidOptionException;
import dev.smtpapi.config.Options;
import dev.smtpapi.mailet.EngagementFields.FieldException;
import dev.smtpapi.mailet.MailetSettings.Scheme;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;

/**
 * The {@code smtpapi_*} mail attributes of one mail: Momentum's policy context variables, set in James by any
 * earlier mailet, matcher or SMTP hook. Values are strings (booleans may also be real booleans, the expiry a
 * number). A value that cannot be used is reported to the {@link Problems} and treated as absent, so the next
 * source decides.
 */
public final class AttributeOverrides {
    public static final String OPEN_TRACKING = "smtpapi_open_tracking";
    public static final String CLICK_TRACKING = "smtpapi_click_tracking";
    public static final String OPEN_TRACKING_SCHEME = "smtpapi_open_tracking_scheme";
    public static final String CLICK_TRACKING_SCHEME = "smtpapi_click_tracking_scheme";
    public static final String TRACKING_DOMAIN = "smtpapi_tracking_domain";
    public static final String TRACKING_LINK_EXPIRY = "smtpapi_tracking_link_expiry";
    public static final String CAMPAIGN_ID = "smtpapi_campaign_id";
    public static final String METADATA = "smtpapi_metadata";
    public static final String TAGS = "smtpapi_tags";
    public static final String TRANSACTIONAL = "smtpapi_transactional";

    /** Receives each attribute value that cannot be used. */
    @FunctionalInterface
    public interface Problems {
        void badAttribute(String attribute, String problem);
    }

    private final Optional<Boolean> openTracking;
    private final Optional<Boolean> clickTracking;
    private final Optional<Scheme> openScheme;
    private final Optional<Scheme> clickScheme;
    private final Optional<String> trackingDomain;
    private final Optional<Duration> linkExpiry;
    private final Optional<String> campaignId;
    private final Optional<String> metadataJson;
    private final Optional<List<String>> tags;
    private final Optional<Boolean> transactional;

    private AttributeOverrides(Reader reader) {
        this.openTracking = reader.read(OPEN_TRACKING, value -> Options.parseBoolean(OPEN_TRACKING, value));
        this.clickTracking = reader.read(CLICK_TRACKING, value -> Options.parseBoolean(CLICK_TRACKING, value));
        this.openScheme = reader.read(OPEN_TRACKING_SCHEME, value -> Scheme.parse(OPEN_TRACKING_SCHEME, value));
        this.clickScheme = reader.read(CLICK_TRACKING_SCHEME, value -> Scheme.parse(CLICK_TRACKING_SCHEME, value));
        this.trackingDomain = reader.read(TRACKING_DOMAIN,
                value -> MailetSettings.parseDomain(TRACKING_DOMAIN, value.strip()));
        this.linkExpiry = reader.read(TRACKING_LINK_EXPIRY, value -> Duration.ofSeconds(Options.from(
                name -> value).longValue(TRACKING_LINK_EXPIRY, 0, 1, MailetSettings.MAX_LINK_EXPIRY_SECONDS)));
        this.campaignId = reader.read(CAMPAIGN_ID, value -> EngagementFields.campaignId(
                EngagementFields.JSON.getNodeFactory().textNode(value)));
        this.metadataJson = reader.read(METADATA,
                value -> EngagementFields.metadata(EngagementFields.parseJson(value)));
        this.tags = reader.read(TAGS, value -> EngagementFields.tags(EngagementFields.parseJson(value)));
        this.transactional = reader.read(TRANSACTIONAL, value -> Options.parseBoolean(TRANSACTIONAL, value));
    }

    /** Reads every {@code smtpapi_*} attribute of a mail; never throws for a bad value. */
    public static AttributeOverrides read(Mail mail, Problems problems) {
        return new AttributeOverrides(new Reader(mail, problems));
    }

    public Optional<Boolean> openTracking() {
        return openTracking;
    }

    public Optional<Boolean> clickTracking() {
        return clickTracking;
    }

    public Optional<Scheme> openScheme() {
        return openScheme;
    }

    public Optional<Scheme> clickScheme() {
        return clickScheme;
    }

    public Optional<String> trackingDomain() {
        return trackingDomain;
    }

    public Optional<Duration> linkExpiry() {
        return linkExpiry;
    }

    public Optional<String> campaignId() {
        return campaignId;
    }

    public Optional<String> metadataJson() {
        return metadataJson;
    }

    public Optional<List<String>> tags() {
        return tags;
    }

    public Optional<Boolean> transactional() {
        return transactional;
    }

    private interface Parser<T> {
        T parse(String value) throws FieldException;
    }

    private static final class Reader {
        private final Mail mail;
        private final Problems problems;

        Reader(Mail mail, Problems problems) {
            this.mail = mail;
            this.problems = problems;
        }

        <T> Optional<T> read(String name, Parser<T> parser) {
            Optional<Attribute> attribute = mail.getAttribute(AttributeName.of(name));
            if (attribute.isEmpty()) {
                return Optional.empty();
            }
            Object value = attribute.get().getValue().value();
            if (!(value instanceof String || value instanceof Boolean || value instanceof Number)) {
                problems.badAttribute(name, "expected a string, was a " + value.getClass().getSimpleName());
                return Optional.empty();
            }
            try {
                return Optional.of(parser.parse(value.toString()));
            } catch (InvalidOptionException e) {
                problems.badAttribute(name, e.getMessage());
            } catch (FieldException e) {
                problems.badAttribute(name, e.describe("value"));
            }
            return Optional.empty();
        }
    }
}
