package dev.smtpapi.tracker.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One webhook's meters, tagged {@code webhook=<id>}: batches sent (delivered), retried (an attempt failed
 * and another follows), failed (given up), events sent, batches waiting, and the lag: the age in seconds of
 * the oldest event not yet delivered (0 when nothing waits).
 */
final class WebhookMetrics {
    private final MeterRegistry registry;
    private final Counter sent;
    private final Counter retried;
    private final Counter failed;
    private final Counter eventsSent;
    private final List<Meter> meters;

    WebhookMetrics(MeterRegistry registry, UUID webhookId, Supplier<Number> lagSeconds, Supplier<Number> waiting) {
        this.registry = registry;
        String id = webhookId.toString();
        this.sent = batches(registry, id, "sent");
        this.retried = batches(registry, id, "retried");
        this.failed = batches(registry, id, "failed");
        this.eventsSent = Counter.builder("smtpapi.tracker.webhook.events.sent").tag("webhook", id)
                .description("Events delivered to the webhook's target").register(registry);
        Gauge lag = Gauge.builder("smtpapi.tracker.webhook.lag.seconds", lagSeconds, value -> value.get().doubleValue())
                .tag("webhook", id).description("Age of the oldest event not yet delivered to the webhook")
                .register(registry);
        Gauge pending = Gauge.builder("smtpapi.tracker.webhook.batches.pending", waiting,
                        value -> value.get().doubleValue())
                .tag("webhook", id).description("Batches waiting on this node for the webhook").register(registry);
        this.meters = List.of(sent, retried, failed, eventsSent, lag, pending);
    }

    private static Counter batches(MeterRegistry registry, String id, String outcome) {
        return Counter.builder("smtpapi.tracker.webhook.batches").tag("webhook", id).tag("outcome", outcome)
                .description("Webhook batches by outcome: sent (2xx), retried (an attempt failed), failed (given up)")
                .register(registry);
    }

    void sent(int events) {
        sent.increment();
        eventsSent.increment(events);
    }

    void retried() {
        retried.increment();
    }

    void failed() {
        failed.increment();
    }

    void remove() {
        meters.forEach(registry::remove);
    }
}
