package dev.smtpapi.tracker.web;

import dev.smtpapi.store.MessageRecord;
import dev.smtpapi.store.Resolution;
import dev.smtpapi.token.TokenKind;
import dev.smtpapi.tracker.event.EventLog;
import dev.smtpapi.tracker.event.EventType;
import dev.smtpapi.tracker.event.TrackingEvent;
import dev.smtpapi.tracker.machine.AddressRange;
import dev.smtpapi.tracker.machine.MachineDetector;
import dev.smtpapi.tracker.machine.MachineReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Turns a followed link or a fetched pixel into an event, or decides that it records nothing: a {@code HEAD}
 * request, a browser prefetch, a token past its expiry, or a token over its cap of events per minute. Builds the
 * event on the request thread and hands it to the event log; the caller answers once it is on disk
 * ({@link AnswerWhenRecorded}): whoever sees the answer can count on the event.
 */
final class EngagementRecorder {
    private final EventLog log;
    private final TokenEventCap cap;
    private final MachineDetector detector;
    private final ClientAddress clientAddress;
    private final Clock clock;
    private final Counter skippedPrefetch;
    private final Counter skippedExpired;
    private final Counter machines;
    private final LinkUnsubscribe linkUnsubscribe;

    private final Counter overCap;
    private static final CompletableFuture<Boolean> NOT_RECORDED = CompletableFuture.completedFuture(false);

    EngagementRecorder(EventLog log, TokenEventCap cap, MachineDetector detector, ClientAddress clientAddress,
            Clock clock, MeterRegistry registry, LinkUnsubscribe linkUnsubscribe) {
        this.linkUnsubscribe = linkUnsubscribe;
        this.log = log;
        this.cap = cap;
        this.detector = detector;
        this.clientAddress = clientAddress;
        this.clock = clock;
        this.skippedPrefetch = Counter.builder("smtpapi.tracker.skipped").tag("reason", "prefetch_or_head")
                .description("Requests answered without recording an event").register(registry);
        this.skippedExpired = Counter.builder("smtpapi.tracker.skipped").tag("reason", "expired")
                .description("Requests answered without recording an event").register(registry);
        this.overCap = Counter.builder("smtpapi.tracker.skipped").tag("reason", "over_token_cap")
                .description("Requests answered without recording an event").register(registry);
        this.machines = Counter.builder("smtpapi.tracker.events.machine")
                .description("Events flagged as a machine's").register(registry);
    }

    /**
     * Records the engagement unless this request must not count. The future completes with whether it recorded,
     * once the event is on disk (at once when nothing is recorded; see {@link EventLog#appendAsync}).
     */
    CompletableFuture<Boolean> record(HttpServletRequest request, Resolution resolution, boolean isHead) {
        if (isHead || Responses.isPrefetch(request)) {
            skippedPrefetch.increment();
            return NOT_RECORDED;
        }
        Instant now = clock.instant();
        if (resolution.token().isExpiredAt(now)) {
            skippedExpired.increment();
            return NOT_RECORDED;
        }
        if (!cap.allow(resolution.token())) {
            overCap.increment();
            return NOT_RECORDED;
        }
        TrackingEvent event = event(request, resolution, now);
        if (event.type() == EventType.LINK_UNSUBSCRIBE) {
            // The suppression is written on this thread once the event is on disk (rare; never on the log's).
            boolean recorded = log.append(event);
            linkUnsubscribe.suppress(resolution, event);
            return CompletableFuture.completedFuture(recorded);
        }
        return log.appendAsync(event);
    }

    private TrackingEvent event(HttpServletRequest request, Resolution resolution, Instant now) {
        MessageRecord message = resolution.message();
        TokenKind kind = resolution.token().kind();
        String ip = clientAddress.of(request);
        String userAgent = Optional.ofNullable(request.getHeader("User-Agent")).orElse("");
        Optional<MachineReason> machine = detector.judge(kind, userAgent, AddressRange.literal(ip),
                message.sentAt(), now);
        if (machine.isPresent()) {
            machines.increment();
        }
        boolean click = kind == TokenKind.CLICK;
        boolean carriesMetadata = !click || message.clickEventsCarryMetadata();
        TrackingEvent.Builder event = TrackingEvent.builder()
                .eventId(TrackingEvent.newEventId())
                .type(type(resolution))
                .messageId(message.messageId())
                .messageKey(Optional.of(resolution.token().messageKey()))
                .campaignId(message.campaignId())
                .rcptTo(resolution.recipient().address())
                .rawRcptTo(resolution.recipient().rawAddress())
                .rcptMetaJson(carriesMetadata ? message.metadataJson() : Optional.empty())
                .rcptTags(message.tags())
                .ipAddress(ip)
                .userAgent(userAgent)
                .machineReason(machine);
        resolution.link().ifPresent(link -> event.targetLinkUrl(Optional.of(link.targetUrl()))
                .targetLinkName(link.name()));
        return event.build();
    }

    private static EventType type(Resolution resolution) {
        switch (resolution.token().kind()) {
            case CLICK:
                return resolution.link().map(link -> link.unsubscribe()).orElse(false)
                        ? EventType.LINK_UNSUBSCRIBE : EventType.CLICK;
            case INITIAL_OPEN:
                return EventType.INITIAL_OPEN;
            case OPEN:
            default:
                return EventType.OPEN;
        }
    }
}
