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
 * Times are kept as Cassandra stores them: {@code sentAt} to the millisecond, {@code expiry} (which tokens
 * carry) to the second.
 *
 * @param messageId the id events report as {@code message_id}
 * @param metadataJson the metadata JSON object, as text; empty when there was none or it was larger than allowed
 * @param clickEventsCarryMetadata {@code click_tracking_include_metadata}: whether click events carry the metadata
 * @param expiry when the links stop recording events; tag storage keeps the data until then
 */
public record MessageRecord(UUID messageKey, String messageId, Optional<String> campaignId,
        Optional<String> metadataJson, List<String> tags, boolean clickEventsCarryMetadata, Instant sentAt,
        Instant expiry, List<LinkRecord> links) {
    public MessageRecord {
        Objects.requireNonNull(messageKey, "messageKey");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(campaignId, "campaignId");
        Objects.requireNonNull(metadataJson, "metadataJson");
        tags = ImmutableList.copyOf(tags);
        sentAt = Instant.ofEpochMilli(Objects.requireNonNull(sentAt, "sentAt").toEpochMilli());
        expiry = Instant.ofEpochSecond(Objects.requireNonNull(expiry, "expiry").getEpochSecond());
        links = ImmutableList.copyOf(links);
        if (!expiry.isAfter(sentAt)) {
            throw new IllegalArgumentException("expiry " + expiry + " must be after sentAt " + sentAt);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<LinkRecord> link(int index) {
        return index >= 0 && index < links.size() ? Optional.of(links.get(index)) : Optional.empty();
    }

    /** Without the metadata and the links' URLs, which are the sender's data, not the log's. */
    @Override
    public String toString() {
        return "MessageRecord{key=" + messageKey + ", messageId=" + messageId + ", campaign="
                + campaignId.orElse("") + ", tags=" + tags + ", links=" + links.size() + ", expiry=" + expiry + "}";
    }

    /** Builds a {@link MessageRecord}; campaign, metadata, tags and links default to none. */
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
            this.sentAt = value;
            return this;
        }

        public Builder expiry(Instant value) {
            this.expiry = value;
            return this;
        }

        public Builder links(List<LinkRecord> value) {
            this.links = value;
            return this;
        }

        public MessageRecord build() {
            return new MessageRecord(messageKey, messageId, campaignId, metadataJson, tags, clickEventsCarryMetadata,
                    sentAt, expiry, links);
        }
    }
}
