package dev.smtpapi.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TokenCodecTest {
    private static final Instant EXPIRY = Instant.parse("2027-11-27T12:00:00Z");
    private static final UUID MESSAGE = UUID.fromString("3f2b8c1e-5d4a-4e7b-9a61-0c2d8e4f7b19");

    private final SigningKey current = key(7, "current signing key for the test");
    private final SigningKey retired = key(3, "retired signing key for the test");
    private final TokenCodec codec = TokenCodec.of(SigningKeys.of(current, retired));

    @Test
    void aClickTokenRoundTripsToTheSameRecipientLinkAndExpiry() {
        TrackingToken click = TrackingToken.click(MESSAGE, 9_999, 499, EXPIRY);

        String text = codec.encode(click);

        assertThat(codec.decode(text)).contains(click);
        assertThat(text).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void openAndInitialOpenTokensRoundTripAndAreNotInterchangeable() {
        TrackingToken open = TrackingToken.open(MESSAGE, 12, EXPIRY);
        TrackingToken top = TrackingToken.initialOpen(MESSAGE, 12, EXPIRY);

        assertThat(codec.decode(codec.encode(open))).contains(open);
        assertThat(codec.decode(codec.encode(top))).contains(top);
        assertThat(codec.encode(open)).isNotEqualTo(codec.encode(top));
    }

    @Test
    void tokensForTenThousandRecipientsAndFiveHundredLinksStayUnderSixtyCharacters() {
        String largest = codec.encode(TrackingToken.click(MESSAGE, 9_999, 499, EXPIRY));

        assertThat(largest).hasSizeLessThan(60);
    }

    @Test
    void everySingleBitFlipOfTheDecodedBytesIsRejected() {
        String valid = codec.encode(TrackingToken.click(MESSAGE, 1_234, 42, EXPIRY));
        byte[] bytes = Base64.getUrlDecoder().decode(valid);

        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] flipped = bytes.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            String altered = Base64.getUrlEncoder().withoutPadding().encodeToString(flipped);

            assertThat(codec.decode(altered)).as("bit %d flipped", bit).isEmpty();
        }
    }

    @Test
    void everySingleBitFlipOfTheTextIsRejected() {
        String valid = codec.encode(TrackingToken.open(MESSAGE, 77, EXPIRY));

        for (int position = 0; position < valid.length(); position++) {
            for (int bit = 0; bit < 8; bit++) {
                char[] chars = valid.toCharArray();
                chars[position] ^= (char) (1 << bit);
                String altered = new String(chars);

                assertThat(codec.decode(altered)).as("char %d bit %d: %s", position, bit, altered).isEmpty();
            }
        }
    }

    @Test
    void truncatedAndExtendedTokensAreRejected() {
        String valid = codec.encode(TrackingToken.click(MESSAGE, 5, 6, EXPIRY));

        for (int length = 0; length < valid.length(); length++) {
            assertThat(codec.decode(valid.substring(0, length))).as("first %d chars", length).isEmpty();
        }
        for (String suffix : List.of("A", "AA", "AAA", "AAAA", "x", "-_", "=")) {
            assertThat(codec.decode(valid + suffix)).as("with %s appended", suffix).isEmpty();
        }
    }

    @Test
    void aTokenSignedWithAnotherKeyOrAnUnknownKeyIdIsRejected() {
        TrackingToken token = TrackingToken.click(MESSAGE, 5, 6, EXPIRY);
        TokenCodec stranger = TokenCodec.of(SigningKeys.of(key(7, "same id but another secret!!")));
        TokenCodec unknownId = TokenCodec.of(SigningKeys.of(key(200, "a key the tracker never heard of")));

        assertThat(codec.decode(stranger.encode(token))).isEmpty();
        assertThat(codec.decode(unknownId.encode(token))).isEmpty();
    }

    @Test
    void tokensOfARetiredKeyVerifyWhileItIsListedAndNotAfterItIsRemoved() {
        TrackingToken token = TrackingToken.click(MESSAGE, 5, 6, EXPIRY);
        String signedBeforeRotation = TokenCodec.of(SigningKeys.of(retired)).encode(token);
        TokenCodec afterRemoval = TokenCodec.of(SigningKeys.of(current));

        assertThat(codec.decode(signedBeforeRotation)).contains(token);
        assertThat(afterRemoval.decode(signedBeforeRotation)).isEmpty();
        assertThat(codec.encode(token)).isNotEqualTo(signedBeforeRotation);
    }

    @Test
    void randomStringsAndGarbageAreRejected() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 10_000; i++) {
            byte[] bytes = new byte[38];
            random.nextBytes(bytes);
            assertThat(codec.decode(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))).isEmpty();
        }
        assertThat(codec.decode("")).isEmpty();
        assertThat(codec.decode(null)).isEmpty();
        assertThat(codec.decode("../../etc/passwd")).isEmpty();
        assertThat(codec.decode("a".repeat(10_000))).isEmpty();
    }

    @Test
    void expiryIsCarriedAndJudgedByTheCaller() {
        Instant expired = Instant.parse("2020-01-01T00:00:00Z");
        Optional<TrackingToken> decoded = codec.decode(codec.encode(TrackingToken.open(MESSAGE, 0, expired)));

        assertThat(decoded).isPresent();
        assertThat(decoded.get().isExpiredAt(Instant.parse("2020-01-01T00:00:01Z"))).isTrue();
        assertThat(decoded.get().isExpiredAt(Instant.parse("2019-12-31T23:59:59Z"))).isFalse();
    }

    private static SigningKey key(int id, String secret) {
        return SigningKey.of(id, secret.getBytes(StandardCharsets.UTF_8));
    }
}
