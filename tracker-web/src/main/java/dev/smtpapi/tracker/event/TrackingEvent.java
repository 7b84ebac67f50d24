package dev.smtpapi.tracker.event;

import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.google.common.collect.ImmutableList;
import dev.smtpapi.tracker.machine.MachineReason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One recorded open or click, with SparkPost's fields. Its {@link #eventId()} is a time-based UUID made
 * when the event happened; it fixes both the event's time and the row it is stored in, so writing the same
 * event twice stores it once. Immutable.
 */
public record TrackingEvent(UUID eventId, EventType type, String messageId, Optional<String> campaignId,
        String rcptTo, String rawRcptTo, Optional<String> rcptMetaJson, List<String> rcptTags, String ipAddress,
        String userAgent, Optional<String> targetLinkUrl, Optional<String> targetLinkName,
        Optional<MachineReason> machineReason, Optional<UUID> messageKey) {
    /** The number of partitions per hour of the events table (part of its schema: do not change). */
    public static final int BUCKETS = 16;
    /** The slot of event time that shares a bucket, in milliseconds (part of the schema too). */
    public static final long BUCKET_SLOT_MILLIS = 10;
    private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();

    /**
     * Every field is required ({@code rcptMetaJson} is the message's metadata as JSON text, when the event carries
     * it; {@code machineReason} says why the event looks like a machine's, empty for a person; {@code messageKey}
     * is the mail's tracking message key, reported as {@code transmission_id}, the same for every recipient of
     * one mail, empty only for events recorded before the tracker kept it).
     */
    public TrackingEvent {
        Objects.requireNonNull(eventId, "eventId");
        if (eventId.version() != 1) {
            throw new IllegalArgumentException("event_id must be a time-based (version 1) UUID, was " + eventId);
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(campaignId, "campaignId");
        Objects.requireNonNull(rcptTo, "rcptTo");
        Objects.requireNonNull(rawRcptTo, "rawRcptTo");
        Objects.requireNonNull(rcptMetaJson, "rcptMetaJson");
        rcptTags = ImmutableList.copyOf(rcptTags);
        Objects.requireNonNull(ipAddress, "ipAddress");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(targetLinkUrl, "targetLinkUrl");
        Objects.requireNonNull(targetLinkName, "targetLinkName");
        Objects.requireNonNull(machineReason, "machineReason");
        Objects.requireNonNull(messageKey, "messageKey");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A new time-based event id for an event happening now. */
    public static UUID newEventId() {
        return Uuids.timeBased();
    }

    public Instant timestamp() {
        return Instant.ofEpochMilli(Uuids.unixTimestamp(eventId));
    }

    /** The start of the hour the event happened in: with {@link #bucket()}, its partition in the events table. */
    public Instant hour() {
        return hourOf(eventId);
    }

    /** {@link #hour()} of the event with this id. */
    public static Instant hourOf(UUID eventId) {
        long millis = Uuids.unixTimestamp(eventId);
        return Instant.ofEpochMilli(millis - Math.floorMod(millis, HOUR_MILLIS));
    }

    /**
     * Which of the {@value #BUCKETS} partitions of its hour the event is stored in: the
     * {@value #BUCKET_SLOT_MILLIS}-millisecond slot of its time, so load spreads over the cluster while a burst of
     * events still shares a partition.
     */
    public short bucket() {
        return bucketOf(eventId);
    }

    /** {@link #bucket()} of the event with this id. */
    public static short bucketOf(UUID eventId) {
        return (short) Math.floorMod(Uuids.unixTimestamp(eventId) / BUCKET_SLOT_MILLIS, BUCKETS);
    }

    public boolean isMachine() {
        return machineReason.isPresent();
    }

    @Override
    public String toString() {
        return "TrackingEvent{" + type.code() + ", " + eventId + ", message=" + messageId + "}";
    }

    public static final class Builder {
        private UUID eventId;
        private EventType type;
        private String messageId;
        private Optional<String> campaignId = Optional.empty();
        private String rcptTo;
        private String rawRcptTo;
        private Optional<String> rcptMetaJson = Optional.empty();
        private List<String> rcptTags = List.of();
        private String ipAddress = "";
        private String userAgent = "";
        private Optional<String> targetLinkUrl = Optional.empty();
        private Optional<String> targetLinkName = Optional.empty();
        private Optional<MachineReason> machineReason = Optional.empty();
        private Optional<UUID> messageKey = Optional.empty();

        private Builder() {
        }

        public Builder eventId(UUID value) {
            this.eventId = value;
            return this;
        }

        public Builder type(EventType value) {
            this.type = value;
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

        public Builder rcptTo(String value) {
            this.rcptTo = value;
            return this;
        }

        public Builder rawRcptTo(String value) {
            this.rawRcptTo = value;
            return this;
        }

        public Builder rcptMetaJson(Optional<String> value) {
            this.rcptMetaJson = value;
            return this;
        }

        public Builder rcptTags(List<String> value) {
            this.rcptTags = value;
            return this;
        }

        public Builder ipAddress(String value) {
            this.ipAddress = value == null ? "" : value;
            return this;
        }

        public Builder userAgent(String value) {
            this.userAgent = value == null ? "" : value;
            return this;
        }

        public Builder targetLinkUrl(Optional<String> value) {
            this.targetLinkUrl = value;
            return this;
        }

        public Builder targetLinkName(Optional<String> value) {
            this.targetLinkName = value;
            return this;
        }

        public Builder machineReason(Optional<MachineReason> value) {
            this.machineReason = value;
            return this;
        }

        public Builder messageKey(Optional<UUID> value) {
            this.messageKey = value;
            return this;
        }

        public TrackingEvent build() {
            return new TrackingEvent(eventId, type, messageId, campaignId, rcptTo, rawRcptTo, rcptMetaJson, rcptTags,
                    ipAddress, userAgent, targetLinkUrl, targetLinkName, machineReason, messageKey);
        }
    }
}
