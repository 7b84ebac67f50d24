package dev.smtpapi.mailet;

import com.google.common.collect.ImmutableList;
import dev.smtpapi.mailet.MailetSettings.Scheme;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything that decides how one mail is tracked, resolved once from its three sources. The precedence of
 * docs/behaviour.md §2 lives in {@link #resolve} and nowhere else: mail attribute, then the X-MSYS-API header, then the init
 * parameter; the scheme, domain and expiry have no header source.
 */
public final class MailSettings {
    private final boolean openTracking;
    private final boolean clickTracking;
    private final boolean initialOpen;
    private final Scheme openScheme;
    private final Scheme clickScheme;
    private final String trackingDomain;
    private final Duration linkExpiry;
    private final Optional<String> campaignId;
    private final Optional<String> metadataJson;
    private final boolean metadataLeftOut;
    private final ImmutableList<String> tags;
    private final boolean clickEventsCarryMetadata;
    private final boolean transactional;
    private final boolean listUnsubscribe;

    private MailSettings(Builder b) {
        this.openTracking = b.openTracking;
        this.clickTracking = b.clickTracking;
        this.initialOpen = b.initialOpen;
        this.openScheme = b.openScheme;
        this.clickScheme = b.clickScheme;
        this.trackingDomain = b.trackingDomain;
        this.linkExpiry = b.linkExpiry;
        this.campaignId = b.campaignId;
        this.metadataJson = b.metadataJson;
        this.metadataLeftOut = b.metadataLeftOut;
        this.tags = ImmutableList.copyOf(b.tags);
        this.clickEventsCarryMetadata = b.clickEventsCarryMetadata;
        this.transactional = b.transactional;
        this.listUnsubscribe = b.listUnsubscribe;
    }

    /** Applies the precedence: attribute, then header, then init parameter. */
    public static MailSettings resolve(MailetSettings init, Optional<XMsysApiHeader> header,
            AttributeOverrides attributes) {
        Builder b = new Builder();
        b.openTracking = attributes.openTracking()
                .or(() -> header.flatMap(XMsysApiHeader::openTracking))
                .orElse(init.openTracking());
        b.clickTracking = attributes.clickTracking()
                .or(() -> header.flatMap(XMsysApiHeader::clickTracking))
                .orElse(init.clickTracking());
        b.initialOpen = b.openTracking && init.initialOpen();
        b.openScheme = attributes.openScheme().orElse(init.openScheme());
        b.clickScheme = attributes.clickScheme().orElse(init.clickScheme());
        b.trackingDomain = attributes.trackingDomain().orElse(init.trackingDomain());
        b.linkExpiry = attributes.linkExpiry().orElse(init.linkExpiry());
        b.campaignId = attributes.campaignId().or(() -> header.flatMap(XMsysApiHeader::campaignId));
        Optional<String> metadata = attributes.metadataJson().or(() -> header.flatMap(XMsysApiHeader::metadataJson));
        // Momentum's rule: metadata over max_metadata_len is left out of events; the mail still goes.
        b.metadataLeftOut = metadata.isPresent()
                && EngagementFields.utf8Length(metadata.get()) > init.maxMetadataLength();
        b.metadataJson = b.metadataLeftOut ? Optional.empty() : metadata;
        b.tags = attributes.tags().or(() -> header.flatMap(XMsysApiHeader::tags)).orElse(List.of());
        b.clickEventsCarryMetadata = init.clickEventsCarryMetadata();
        b.transactional = attributes.transactional().or(() -> header.flatMap(XMsysApiHeader::transactional))
                .orElse(init.unsubscribe().transactional());
        b.listUnsubscribe = init.unsubscribe().listUnsubscribe() && !b.transactional;
        return new MailSettings(b);
    }

    /** Whether this mail gets any tracking or per-copy List-Unsubscribe headers, and so is split per recipient. */
    public boolean tracked() {
        return openTracking || clickTracking || listUnsubscribe;
    }

    /** Transactional mail (receipts, resets) gets no List-Unsubscribe and is held only by transactional entries. */
    public boolean transactional() {
        return transactional;
    }

    /** Whether every copy gets its own List-Unsubscribe and List-Unsubscribe-Post headers. */
    public boolean listUnsubscribe() {
        return listUnsubscribe;
    }

    public boolean openTracking() {
        return openTracking;
    }

    public boolean clickTracking() {
        return clickTracking;
    }

    /** The top pixel (SparkPost's {@code initial_open}), only with open tracking. */
    public boolean initialOpen() {
        return initialOpen;
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

    public Optional<String> campaignId() {
        return campaignId;
    }

    /** The metadata events carry; empty when there was none or it was larger than max_metadata_len. */
    public Optional<String> metadataJson() {
        return metadataJson;
    }

    /** True when metadata was given but left out for being larger than max_metadata_len. */
    public boolean metadataLeftOut() {
        return metadataLeftOut;
    }

    public List<String> tags() {
        return tags;
    }

    public boolean clickEventsCarryMetadata() {
        return clickEventsCarryMetadata;
    }

    @Override
    public String toString() {
        return "MailSettings{open=" + openTracking + ", click=" + clickTracking + ", initialOpen=" + initialOpen
                + ", openScheme=" + openScheme + ", clickScheme=" + clickScheme + ", domain=" + trackingDomain
                + ", expiry=" + linkExpiry.getSeconds() + "s, campaign=" + campaignId.orElse("") + ", tags=" + tags
                + ", transactional=" + transactional + ", listUnsubscribe=" + listUnsubscribe + "}";
    }

    private static final class Builder {
        boolean openTracking;
        boolean clickTracking;
        boolean initialOpen;
        Scheme openScheme;
        Scheme clickScheme;
        String trackingDomain;
        Duration linkExpiry;
        Optional<String> campaignId;
        Optional<String> metadataJson;
        boolean metadataLeftOut;
        List<String> tags;
        boolean clickEventsCarryMetadata;
        boolean transactional;
        boolean listUnsubscribe;
    }
}
