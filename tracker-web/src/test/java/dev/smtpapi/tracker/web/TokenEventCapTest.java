package dev.smtpapi.tracker.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.token.TrackingToken;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The cap of events per token and minute. */
class TokenEventCapTest {
    private static final Instant EXPIRY = Instant.parse("2027-12-01T00:00:00Z");
    private final AtomicLong nanos = new AtomicLong(1_000);

    @Test
    void a_token_records_up_to_the_cap_and_other_tokens_are_counted_apart() {
        TokenEventCap cap = new TokenEventCap(3);
        UUID message = UUID.randomUUID();
        TrackingToken link = TrackingToken.click(message, 0, 0, EXPIRY);

        assertThat(cap.allow(link)).isTrue();
        assertThat(cap.allow(TrackingToken.click(message, 0, 0, EXPIRY))).as("the same token decoded again").isTrue();
        assertThat(cap.allow(link)).isTrue();
        assertThat(cap.allow(link)).as("the fourth within the minute").isFalse();
        assertThat(cap.allow(TrackingToken.click(message, 0, 1, EXPIRY))).as("another link").isTrue();
        assertThat(cap.allow(TrackingToken.open(message, 0, EXPIRY))).as("the same recipient's pixel").isTrue();
    }

    @Test
    void a_minute_after_its_first_counted_event_a_token_records_again() {
        TokenEventCap cap = new TokenEventCap(2, 100, nanos::get);
        TrackingToken link = TrackingToken.click(UUID.randomUUID(), 0, 0, EXPIRY);
        assertThat(cap.allow(link)).isTrue();
        advanceSeconds(30);
        assertThat(cap.allow(link)).isTrue();
        assertThat(cap.allow(link)).as("third within the first minute").isFalse();

        advanceSeconds(30);
        assertThat(cap.allow(link)).as("a minute after the first event").isTrue();
        assertThat(cap.allow(link)).isTrue();
        assertThat(cap.allow(link)).isFalse();
    }

    @Test
    void when_it_counts_as_many_tokens_as_it_may_it_forgets_the_ended_windows_first() {
        TokenEventCap cap = new TokenEventCap(1, 3, nanos::get);
        UUID message = UUID.randomUUID();
        TrackingToken old = TrackingToken.click(message, 0, 0, EXPIRY);
        cap.allow(old);
        advanceSeconds(61);
        TrackingToken recent1 = TrackingToken.click(message, 0, 1, EXPIRY);
        TrackingToken recent2 = TrackingToken.click(message, 0, 2, EXPIRY);
        cap.allow(recent1);
        cap.allow(recent2);

        assertThat(cap.allow(TrackingToken.click(message, 0, 3, EXPIRY))).as("a fourth token").isTrue();
        assertThat(cap.counted()).as("the ended window is forgotten, the live ones kept").isEqualTo(3);
        assertThat(cap.allow(recent1)).as("still capped: its window was kept").isFalse();

        TrackingToken fifth = TrackingToken.click(message, 0, 4, EXPIRY);
        assertThat(cap.allow(fifth)).as("nothing ended: every count starts again").isTrue();
        assertThat(cap.counted()).isEqualTo(1);
    }

    private void advanceSeconds(long seconds) {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }
}
