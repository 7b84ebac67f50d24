package dev.smtpapi.store;

import com.google.common.collect.ImmutableList;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What tag storage keeps once per message, whatever its number of recipients: the engagement data of the
 * X-MSYS-API header or the mail attributes, and the table of tracked links that click tokens index into.
 */
public final class MessageRecord {
    private final UUID messageKey;
    private final String messageId;
    private final Optional<String> campaignId;
    private final Optional<String> metadataJson;
    private final ImmutableList<String> tags;
    private final boolean clickEventsCarryMetadata;
    private final Instant sentAt;
    private final Instant expiry;
    private final ImmutableList<LinkRecord> links;

    private MessageRecord(Builder builder) {
        this.messageKey = Objects.requireNonNull(builder.messageKey, "messageKey");
        this.messageId = Objects.requireNonNull(builder.messageId, "messageId");
        this.campaignId = Objects.requireNonNull(builder.campaignId, "campaignId");
        this.metadataJson = Objects.requireNonNull(builder.metadataJson, "metadataJson");
        this.tags = ImmutableList.copyOf(builder.tags);
        this.clickEventsCarryMetadata = builder.clickEventsCarryMetadata;
        this.sentAt = Objects.requireNonNull(builder.sentAt, "sentAt");
        this.expiry = Objects.requireNonNull(builder.expiry, "expiry");
        this.links = ImmutableList.copyOf(builder.links);
        if (!expiry.isAfter(sentAt)) {
            throw new IllegalArgumentException("expiry " + expiry + " must be after sentAt " + sentAt);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public UUID messageKey() {
        return messageKey;
    }

    /** The id events report as {@code message_id}. */
    public String messageId() {
        return messageId;
    }

    public Optional<String> campaignId() {
        return campaignId;
    }

    /** The metadata JSON object, as text; empty when there was none or it was larger than allowed. */
    public Optional<String> metadataJson() {
        return metadataJson;
    }

    public List<String> tags() {
        return tags;
    }

    /** {@code click_tracking_include_metadata}: whether click events carry the metadata. */
    public boolean clickEventsCarryMetadata() {
        return clickEventsCarryMetadata;
    }

    public Instant sentAt() {
        return sentAt;
    }

    /** When the links stop recording events; tag storage keeps the data until then. */
    public Instant expiry() {
        return expiry;
    }

    public List<LinkRecord> links() {
        return links;
    }

    public Optional<LinkRecord> link(int index) {
        return index >= 0 && index < links.size() ? Optional.of(links.get(index)) : Optional.empty();
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof MessageRecord)) {
            return false;
        }
        MessageRecord that = (MessageRecord) other;
        return messageKey.equals(that.messageKey) && messageId.equals(that.messageId)
                && campaignId.equals(that.campaignId) && metadataJson.equals(that.metadataJson)
                && tags.equals(that.tags) && clickEventsCarryMetadata == that.clickEventsCarryMetadata
                && sentAt.equals(that.sentAt) && expiry.equals(that.expiry) && links.equals(that.links);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageKey, messageId, campaignId, metadataJson, tags, sentAt, expiry, links);
    }

    @Override
    public String toString() {
        return "MessageRecord{key=" + messageKey + ", messageId=" + messageId + ", campaign="
                + campaignId.orElse("") + ", tags=" + tags + ", links=" + links.size() + ", expiry=" + expiry + "}";
    }

    /** Builds a {@link MessageRecord}; times are kept to the millisecond, as Cassandra stores them. */
    public static final class Builder {
        private UUID messageKey;
        private String messageId;
        private Optional<String> campaignId = Optional.empty();
        private Optional<String> metadataJson = Optional.empty();
        private List<String> tags = List.of();
        private boolean clickEventsCarryMetadata = true;
        private Instant sentAt;
        private Instant expiry;
        private List<LinkRecord> links = List.of();

        private Builder() {
        }

        public Builder messageKey(UUID value) {
            this.messageKey = value;
            return this;
        }

        public Builder messageId(String value) {
            this.messageId = value;
            return this;
        }

        public Builder campaignId(Optional<String> value) {
            this.campaignId = value;
            return this;
        }

        public Builder metadataJson(Optional<String> value) {
            this.metadataJson = value;
            return this;
        }

        public Builder tags(List<String> value) {
            this.tags = value;
            return this;
        }

        public Builder clickEventsCarryMetadata(boolean value) {
            this.clickEventsCarryMetadata = value;
            return this;
        }

        public Builder sentAt(Instant value) {
            this.sentAt = value == null ? null : Instant.ofEpochMilli(value.toEpochMilli());
            return this;
        }

        public Builder expiry(Instant value) {
            this.expiry = value == null ? null : Instant.ofEpochSecond(value.getEpochSecond());
            return this;
        }

        public Builder links(List<LinkRecord> value) {
            this.links = value;
            return this;
        }

        public MessageRecord build() {
            return new MessageRecord(this);
        }
    }
}
