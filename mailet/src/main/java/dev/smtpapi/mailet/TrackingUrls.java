package dev.smtpapi.mailet;

import dev.smtpapi.rewrite.RecipientUrls;
import dev.smtpapi.rewrite.TrackedLink;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TrackingToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The tracked URLs of one message (docs/behaviour.md §6): everything that is the same for every recipient is worked out once
 * here; {@link #forRecipient} then only makes that recipient's tokens.
 *
 * <ul>
 *   <li>click: {@code {click scheme}://{domain}/f/{sublink or "a"}/{token}}</li>
 *   <li>open: {@code {open scheme}://{domain}/q/{token}}</li>
 * </ul>
 */
final class TrackingUrls {
    static final String DEFAULT_SUBLINK = "a";

    private final TokenCodec codec;
    private final UUID messageKey;
    private final Instant expiry;
    private final boolean openTracking;
    private final boolean initialOpen;
    private final String openPrefix;
    /** Per link, the click URL up to the token; null for a link whose click tracking is off. */
    private final String[] clickPrefixes;

    TrackingUrls(TokenCodec codec, UUID messageKey, Instant expiry, MailSettings settings, List<TrackedLink> links) {
        this.codec = codec;
        this.messageKey = messageKey;
        this.expiry = expiry;
        this.openTracking = settings.openTracking();
        this.initialOpen = settings.initialOpen();
        this.openPrefix = settings.openScheme() + "://" + settings.trackingDomain() + "/q/";
        this.clickPrefixes = new String[links.size()];
        if (settings.clickTracking()) {
            String base = settings.clickScheme() + "://" + settings.trackingDomain() + "/f/";
            for (TrackedLink link : links) {
                clickPrefixes[link.index()] = base + link.sublink().map(TrackingUrls::pathSegment)
                        .orElse(DEFAULT_SUBLINK) + "/";
            }
        }
    }

    RecipientUrls forRecipient(int recipientIndex) {
        return new RecipientUrls() {
            @Override
            public Optional<String> clickUrl(int linkIndex) {
                if (linkIndex < 0 || linkIndex >= clickPrefixes.length || clickPrefixes[linkIndex] == null) {
                    return Optional.empty();
                }
                return Optional.of(clickPrefixes[linkIndex]
                        + codec.encode(TrackingToken.click(messageKey, recipientIndex, linkIndex, expiry)));
            }

            @Override
            public Optional<String> openPixelUrl() {
                return openTracking
                        ? Optional.of(openPrefix + codec.encode(TrackingToken.open(messageKey, recipientIndex, expiry)))
                        : Optional.empty();
            }

            @Override
            public Optional<String> initialOpenPixelUrl() {
                return initialOpen
                        ? Optional.of(openPrefix
                                + codec.encode(TrackingToken.initialOpen(messageKey, recipientIndex, expiry)))
                        : Optional.empty();
            }
        };
    }

    /** A sublink as one ASCII path segment: unreserved characters kept, everything else percent-encoded. */
    static String pathSegment(String sublink) {
        if (sublink.isEmpty()) {
            return DEFAULT_SUBLINK;
        }
        StringBuilder out = new StringBuilder(sublink.length());
        for (byte b : sublink.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
