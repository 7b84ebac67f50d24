package dev.smtpapi.benchmarks.core;

import dev.smtpapi.token.SigningKey;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TrackingToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding and verifying click tokens, beside the bare HMAC-SHA-256 of the same number of bytes (the floor
 * any signed token pays).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenBenchmark {
    private TokenCodec codec;
    private TrackingToken token;
    private String encoded;
    private Mac mac;
    private byte[] payload;
    private int recipient;

    @Setup
    public void setUp() throws Exception {
        byte[] secret = "a 32 byte secret for benchmarks!".getBytes(StandardCharsets.UTF_8);
        codec = TokenCodec.of(SigningKeys.of(SigningKey.of(1, secret)));
        token = TrackingToken.click(UUID.randomUUID(), 9_999, 499, Instant.parse("2027-11-27T00:00:00Z"));
        encoded = codec.encode(token);
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        payload = new byte[26];
    }

    @Benchmark
    public String encode() {
        recipient = (recipient + 1) & 0x3FFF;
        return codec.encode(TrackingToken.click(token.messageKey(), recipient, 17, token.expiry()));
    }

    @Benchmark
    public Optional<TrackingToken> verify() {
        return codec.decode(encoded);
    }

    @Benchmark
    public Optional<TrackingToken> encodeAndVerify() {
        recipient = (recipient + 1) & 0x3FFF;
        return codec.decode(codec.encode(TrackingToken.click(token.messageKey(), recipient, 17, token.expiry())));
    }

    @Benchmark
    public byte[] baselineBareHmac() {
        payload[0]++;
        return mac.doFinal(payload);
    }
}
