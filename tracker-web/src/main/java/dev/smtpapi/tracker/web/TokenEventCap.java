package dev.smtpapi.tracker.web;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.smtpapi.token.TrackingToken;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code max} events per token (one recipient's link or pixel) per minute: a replayed or flooded token
 * still gets its answer, but stops becoming data. Counts in windows of one minute from a token's first event;
 * remembers at most {@value #TOKENS} tokens (the least recently counted are forgotten first).
 */
final class TokenEventCap {
    static final int TOKENS = 500_000;

    private final int max;
    private final Cache<TrackingToken, AtomicInteger> counts;

    TokenEventCap(int max) {
        this.max = max;
        this.counts = CacheBuilder.newBuilder().expireAfterWrite(Duration.ofMinutes(1)).maximumSize(TOKENS)
                .concurrencyLevel(16).build();
    }

    /** Counts one more event of this token; false when it is over the cap this minute. */
    boolean allow(TrackingToken token) {
        try {
            return counts.get(token, AtomicInteger::new).incrementAndGet() <= max;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
