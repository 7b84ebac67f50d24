package dev.smtpapi.tracker.web;

import com.google.common.util.concurrent.RateLimiter;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning logged for each failed request while failures are rare, and at most a few per second when they are
 * not (Cassandra down under load would otherwise write a line per click): the lines left out are counted and
 * the next line logged says how many. The metric of the failure counts every one. Thread-safe.
 */
final class ThrottledWarning {
    private final Logger log;
    private final RateLimiter limiter;
    private final AtomicLong leftOut = new AtomicLong();

    ThrottledWarning(Logger log, double perSecond) {
        this.log = log;
        this.limiter = RateLimiter.create(perSecond);
    }

    /** Logs {@code format} with {@code arguments} (slf4j style), or counts it when over the rate. */
    void warn(String format, Object... arguments) {
        if (!limiter.tryAcquire()) {
            leftOut.incrementAndGet();
            return;
        }
        long before = leftOut.getAndSet(0);
        if (before == 0) {
            log.warn(format, arguments);
        } else {
            log.warn(format + " ({} similar warnings left out before this one)", append(arguments, before));
        }
    }

    private static Object[] append(Object[] arguments, Object last) {
        Object[] all = Arrays.copyOf(arguments, arguments.length + 1);
        all[arguments.length] = last;
        return all;
    }
}
