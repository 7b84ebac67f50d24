package dev.smtpapi.tracker.web;

import dev.smtpapi.token.TrackingToken;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * At most {@code max} events per token (one recipient's link or pixel) per minute: a replayed or flooded token
 * still gets its answer, but stops becoming data. Counts in windows of one minute from a token's first event;
 * remembers at most {@value #TOKENS} tokens: when that many are counted, the windows older than a minute are
 * forgotten, and if that frees nothing every count starts again (a flood of that many real tokens in a minute).
 * On the click path: one map lookup and one short lock of the token's own window per event.
 */
final class TokenEventCap {
    static final int TOKENS = 500_000;
    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int max;
    private final int tokens;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<TrackingToken, Window> windows = new ConcurrentHashMap<>();

    TokenEventCap(int max) {
        this(max, TOKENS, System::nanoTime);
    }

    TokenEventCap(int max, int tokens, LongSupplier nanoTime) {
        this.max = max;
        this.tokens = tokens;
        this.nanoTime = nanoTime;
    }

    /** Counts one more event of this token; false when it is over the cap this minute. */
    boolean allow(TrackingToken token) {
        long now = nanoTime.getAsLong();
        Window window = windows.get(token);
        if (window == null) {
            if (windows.size() >= tokens) {
                forgetOld(now);
            }
            window = windows.computeIfAbsent(token, t -> new Window(now));
        }
        return window.count(now, max);
    }

    /** How many tokens are being counted. */
    int counted() {
        return windows.size();
    }

    private synchronized void forgetOld(long now) {
        if (windows.size() < tokens) {
            return; // another thread made room meanwhile
        }
        windows.values().removeIf(window -> window.endedBy(now));
        if (windows.size() >= tokens) {
            windows.clear();
        }
    }

    /** One token's current minute: when it began and how many events it counted. */
    private static final class Window {
        private long start;
        private int count;

        Window(long start) {
            this.start = start;
        }

        synchronized boolean count(long now, int max) {
            if (now - start >= MINUTE_NANOS) {
                start = now;
                count = 0;
            }
            if (count < max) {
                count++;
                return true;
            }
            return false;
        }

        synchronized boolean endedBy(long now) {
            return now - start >= MINUTE_NANOS;
        }
    }
}
