package dev.smtpapi.mailet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smtpapi.mailet.EngagementFields.FieldException;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The X-MSYS-API header of one mail (docs/behaviour.md §3), unfolded, RFC 2047-decoded and checked. Unknown fields are
 * ignored; the scheme, domain and expiry options cannot be set here.
 */
public final class XMsysApiHeader {
    public static final String NAME = "X-MSYS-API";
    static final String OPTIONS = "options";
    static final String OPEN_TRACKING = "open_tracking";
    static final String CLICK_TRACKING = "click_tracking";
    static final String TRANSACTIONAL = "transactional";

    private final Optional<String> campaignId;
    private final Optional<String> metadataJson;
    private final Optional<List<String>> tags;
    private final Optional<Boolean> openTracking;
    private final Optional<Boolean> clickTracking;
    private final Optional<Boolean> transactional;

    private XMsysApiHeader(Optional<String> campaignId, Optional<String> metadataJson, Optional<List<String>> tags,
            Optional<Boolean> openTracking, Optional<Boolean> clickTracking, Optional<Boolean> transactional) {
        this.transactional = transactional;
        this.campaignId = campaignId;
        this.metadataJson = metadataJson;
        this.tags = tags;
        this.openTracking = openTracking;
        this.clickTracking = clickTracking;
    }

    /**
     * Parses a header value as it appears in the message (possibly folded, possibly with encoded words).
     *
     * @throws InvalidHeaderException naming the first field that is of the wrong type or size
     */
    public static XMsysApiHeader parse(String rawValue) throws InvalidHeaderException {
        Objects.requireNonNull(rawValue, "rawValue");
        String text = decode(rawValue);
        try {
            JsonNode root = EngagementFields.parseJson(text);
            if (!root.isObject()) {
                throw new FieldException(null, "must be a JSON object");
            }
            Optional<String> campaign = Optional.empty();
            Optional<String> metadata = Optional.empty();
            Optional<List<String>> tags = Optional.empty();
            Optional<Boolean> open = Optional.empty();
            Optional<Boolean> click = Optional.empty();
            Optional<Boolean> transactional = Optional.empty();
            if (present(root, EngagementFields.CAMPAIGN_ID)) {
                campaign = Optional.of(EngagementFields.campaignId(root.get(EngagementFields.CAMPAIGN_ID)));
            }
            if (present(root, EngagementFields.METADATA)) {
                metadata = Optional.of(EngagementFields.metadata(root.get(EngagementFields.METADATA)));
            }
            if (present(root, EngagementFields.TAGS)) {
                tags = Optional.of(EngagementFields.tags(root.get(EngagementFields.TAGS)));
            }
            if (present(root, OPTIONS)) {
                JsonNode options = root.get(OPTIONS);
                if (!options.isObject()) {
                    throw new FieldException(OPTIONS, "must be of type 'json object'");
                }
                if (present(options, OPEN_TRACKING)) {
                    open = Optional.of(EngagementFields.bool(OPTIONS + "." + OPEN_TRACKING, options.get(OPEN_TRACKING)));
                }
                if (present(options, CLICK_TRACKING)) {
                    click = Optional.of(EngagementFields.bool(OPTIONS + "." + CLICK_TRACKING,
                            options.get(CLICK_TRACKING)));
                }
                if (present(options, TRANSACTIONAL)) {
                    transactional = Optional.of(EngagementFields.bool(OPTIONS + "." + TRANSACTIONAL,
                            options.get(TRANSACTIONAL)));
                }
            }
            return new XMsysApiHeader(campaign, metadata, tags, open, click, transactional);
        } catch (FieldException e) {
            throw new InvalidHeaderException(e.describe(NAME));
        }
    }

    // A JSON null is treated as absent, as SparkPost's API does.
    private static boolean present(JsonNode object, String field) {
        JsonNode value = object.get(field);
        return value != null && !value.isNull();
    }

    private static String decode(String rawValue) {
        String unfolded = raw8BitAsUtf8(MimeUtility.unfold(rawValue));
        try {
            return MimeUtility.decodeText(unfolded).strip();
        } catch (UnsupportedEncodingException e) {
            // An encoded word in an unknown charset stays as it is; the JSON check then decides.
            return unfolded.strip();
        }
    }

    /**
     * Jakarta Mail reads 8-bit header bytes as ISO-8859-1 characters; senders that put raw UTF-8 JSON in the
     * header (RFC 6532) mean UTF-8, so such a value is read again as UTF-8 when it is valid UTF-8.
     */
    private static String raw8BitAsUtf8(String value) {
        boolean eightBit = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF) {
                return value;
            }
            eightBit |= c >= 0x80;
        }
        if (!eightBit) {
            return value;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (CharacterCodingException e) {
            return value;
        }
    }

    public Optional<String> campaignId() {
        return campaignId;
    }

    /** The metadata object as compact JSON, whatever its size; the size rule is applied per mail. */
    public Optional<String> metadataJson() {
        return metadataJson;
    }

    public Optional<List<String>> tags() {
        return tags;
    }

    public Optional<Boolean> openTracking() {
        return openTracking;
    }

    public Optional<Boolean> clickTracking() {
        return clickTracking;
    }

    /** SparkPost's {@code options.transactional}: such mail gets no List-Unsubscribe and other suppressions. */
    public Optional<Boolean> transactional() {
        return transactional;
    }

    /** A header that cannot be used; the mail goes to the error processor with {@link #smtpReply()}. */
    public static final class InvalidHeaderException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidHeaderException(String reason) {
            super(reason, null, false, false);
        }

        /** Momentum's 550 reply, e.g. {@code 550 5.6.0 X-MSYS-API 'metadata' must be of type 'json object'}. */
        public String smtpReply() {
            return "550 5.6.0 " + getMessage();
        }
    }
}
