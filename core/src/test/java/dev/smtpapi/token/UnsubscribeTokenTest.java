package dev.smtpapi.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The List-Unsubscribe token: a kind of its own, signed and verified like clicks and opens. */
class UnsubscribeTokenTest {
    private static final Instant EXPIRY = Instant.parse("2027-11-27T12:00:00Z");
    private static final UUID MESSAGE = UUID.fromString("9a0c7e55-1b2d-4c3e-8f40-5a6b7c8d9e01");

    private final TokenCodec codec = TokenCodec.of(SigningKeys.of(SigningKey.of(4,
            "unsubscribe token test key, 32 b".getBytes(StandardCharsets.US_ASCII))));

    @Test
    void anUnsubscribeTokenRoundTripsToItsRecipientAndKind() {
        TrackingToken unsubscribe = TrackingToken.unsubscribe(MESSAGE, 41, EXPIRY);

        String text = codec.encode(unsubscribe);

        assertThat(codec.decode(text)).contains(unsubscribe);
        assertThat(codec.decode(text).orElseThrow().kind()).isEqualTo(TokenKind.UNSUBSCRIBE);
        assertThat(codec.decode(text).orElseThrow().linkIndex()).isEmpty();
    }

    @Test
    void anOpenTokenOfTheSameRecipientIsADifferentStringAndNeverAnUnsubscribe() {
        String open = codec.encode(TrackingToken.open(MESSAGE, 41, EXPIRY));
        String unsubscribe = codec.encode(TrackingToken.unsubscribe(MESSAGE, 41, EXPIRY));

        assertThat(open).isNotEqualTo(unsubscribe);
        assertThat(codec.decode(open).orElseThrow().kind()).isEqualTo(TokenKind.OPEN);
    }

    @Test
    void relabellingAnOpenTokenAsAnUnsubscribeBreaksItsSignature() {
        byte[] bytes = Base64.getUrlDecoder().decode(codec.encode(TrackingToken.open(MESSAGE, 41, EXPIRY)));
        bytes[0] = (byte) ((bytes[0] & 0xF0) | 4);

        assertThat(codec.decode(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))).isEmpty();
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRejected() {
        TokenCodec other = TokenCodec.of(SigningKeys.of(SigningKey.of(4,
                "another key of thirty-two bytes!".getBytes(StandardCharsets.US_ASCII))));

        assertThat(codec.decode(other.encode(TrackingToken.unsubscribe(MESSAGE, 41, EXPIRY)))).isEmpty();
    }
}
