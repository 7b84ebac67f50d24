package dev.smtpapi.tracker.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.token.TrackingToken;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The cap of events per token and minute. */
class TokenEventCapTest {
    private static final Instant EXPIRY = Instant.parse("2027-12-01T00:00:00Z");

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
}
