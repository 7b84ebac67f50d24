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
public final class TrackingEvent {
    /** The number of partitions per hour of the events table (part of its schema: do not change). */
    public static final int BUCKETS = 16;
    private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();

    private final UUID eventId;
    private final EventType type;
    private final String messageId;
    private final Optional<UUID> messageKey;
    private final Optional<String> campaignId;
    private final String rcptTo;
    private final String rawRcptTo;
    private final Optional<String> rcptMetaJson;
    private final ImmutableList<String> rcptTags;
    private final String ipAddress;
    private final String userAgent;
    private final Optional<String> targetLinkUrl;
    private final Optional<String> targetLinkName;
    private final Optional<MachineReason> machineReason;

    private TrackingEvent(Builder builder) {
        this.eventId = Objects.requireNonNull(builder.eventId, "eventId");
        if (eventId.version() != 1) {
            throw new IllegalArgumentException("event_id must be a time-based (version 1) UUID, was " + eventId);
        }
        this.type = Objects.requireNonNull(builder.type, "type");
        this.messageId = Objects.requireNonNull(builder.messageId, "messageId");
        this.messageKey = Objects.requireNonNull(builder.messageKey, "messageKey");
        this.campaignId = Objects.requireNonNull(builder.campaignId, "campaignId");
        this.rcptTo = Objects.requireNonNull(builder.rcptTo, "rcptTo");
        this.rawRcptTo = Objects.requireNonNull(builder.rawRcptTo, "rawRcptTo");
        this.rcptMetaJson = Objects.requireNonNull(builder.rcptMetaJson, "rcptMetaJson");
        this.rcptTags = ImmutableList.copyOf(builder.rcptTags);
        this.ipAddress = Objects.requireNonNull(builder.ipAddress, "ipAddress");
        this.userAgent = Objects.requireNonNull(builder.userAgent, "userAgent");
        this.targetLinkUrl = Objects.requireNonNull(builder.targetLinkUrl, "targetLinkUrl");
        this.targetLinkName = Objects.requireNonNull(builder.targetLinkName, "targetLinkName");
        this.machineReason = Objects.requireNonNull(builder.machineReason, "machineReason");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A new time-based event id for an event happening now. */
    public static UUID newEventId() {
        return Uuids.timeBased();
    }

    public UUID eventId() {
        return eventId;
    }

    public Instant timestamp() {
        return Instant.ofEpochMilli(Uuids.unixTimestamp(eventId));
    }

    /** The start of the hour the event happened in: with {@link #bucket()}, its partition in the events table. */
    public Instant hour() {
        long millis = Uuids.unixTimestamp(eventId);
        return Instant.ofEpochMilli(millis - Math.floorMod(millis, HOUR_MILLIS));
    }

    /**
     * Which of the {@value #BUCKETS} partitions of its hour the event is stored in: the 10-millisecond slot of
     * its time, so load spreads over the cluster while a burst of events still shares a partition.
     */
    public short bucket() {
        return (short) Math.floorMod(Uuids.unixTimestamp(eventId) / 10, BUCKETS);
    }

    public EventType type() {
        return type;
    }

    public String messageId() {
        return messageId;
    }

    /**
     * The tracking message key of the mail (the same for every recipient of one mail), reported as
     * {@code transmission_id}; empty only for events recorded before the tracker kept it.
     */
    public Optional<UUID> messageKey() {
        return messageKey;
    }

    public Optional<String> campaignId() {
        return campaignId;
    }

    public String rcptTo() {
        return rcptTo;
    }

    public String rawRcptTo() {
        return rawRcptTo;
    }

    /** The message's metadata as JSON text, when the event carries it. */
    public Optional<String> rcptMetaJson() {
        return rcptMetaJson;
    }

    public List<String> rcptTags() {
        return rcptTags;
    }

    public String ipAddress() {
        return ipAddress;
    }

    public String userAgent() {
        return userAgent;
    }

    public Optional<String> targetLinkUrl() {
        return targetLinkUrl;
    }

    public Optional<String> targetLinkName() {
        return targetLinkName;
    }

    /** Why the event looks like a machine's; empty for a person. */
    public Optional<MachineReason> machineReason() {
        return machineReason;
    }

    public boolean isMachine() {
        return machineReason.isPresent();
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof TrackingEvent)) {
            return false;
        }
        TrackingEvent that = (TrackingEvent) other;
        return eventId.equals(that.eventId) && type == that.type && messageId.equals(that.messageId)
                && messageKey.equals(that.messageKey)
                && campaignId.equals(that.campaignId) && rcptTo.equals(that.rcptTo)
                && rawRcptTo.equals(that.rawRcptTo) && rcptMetaJson.equals(that.rcptMetaJson)
                && rcptTags.equals(that.rcptTags) && ipAddress.equals(that.ipAddress)
                && userAgent.equals(that.userAgent) && targetLinkUrl.equals(that.targetLinkUrl)
                && targetLinkName.equals(that.targetLinkName) && machineReason.equals(that.machineReason);
    }

    @Override
    public int hashCode() {
        return eventId.hashCode();
    }

    @Override
    public String toString() {
        return "TrackingEvent{" + type.code() + ", " + eventId + ", message=" + messageId + "}";
    }

    public static final class Builder {
        private UUID eventId;
        private EventType type;
        private String messageId;
        private Optional<UUID> messageKey = Optional.empty();
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

        public Builder messageKey(Optional<UUID> value) {
            this.messageKey = value;
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

        public TrackingEvent build() {
            return new TrackingEvent(this);
        }
    }
}
