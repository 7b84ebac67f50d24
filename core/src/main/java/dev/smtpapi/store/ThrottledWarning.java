package dev.smtpapi.store;

import com.google.common.util.concurrent.RateLimiter;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning logged each time while it is rare, and at most a few times a second when it is not (Cassandra down
 * or a node lost under load would otherwise write a line per click or per read): the lines left out are counted
 * and the next line logged says how many. A metric of the failure, where there is one, counts every one.
 * Thread-safe.
 */
public final class ThrottledWarning {
    private final Logger log;
    private final RateLimiter limiter;
    private final AtomicLong leftOut = new AtomicLong();

    public ThrottledWarning(Logger log, double perSecond) {
        this.log = log;
        this.limiter = RateLimiter.create(perSecond);
    }

    /** Logs {@code format} with {@code arguments} (slf4j style), or counts it when over the rate. */
    public void warn(String format, Object... arguments) {
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
