package dev.smtpapi.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

class ThrottledWarningTest {
    private final List<String> logged = new ArrayList<>();
    private final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
            new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                if (method.getName().equals("warn") && args.length == 2 && args[1] instanceof Object[] rest) {
                    logged.add(MessageFormatter.arrayFormat((String) args[0], rest).getMessage());
                }
                return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
            });

    @Test
    void aBurstOfFailuresIsOneLineAndTheNextLineCountsWhatWasLeftOut() throws InterruptedException {
        ThrottledWarning warning = new ThrottledWarning(logger, 5);

        for (int i = 0; i < 50; i++) {
            warning.warn("click {} answered 503: {}", i, "Cassandra down");
        }
        int firstBurst = logged.size();
        assertThat(firstBurst).isBetween(1, 3);
        assertThat(logged.get(0)).isEqualTo("click 0 answered 503: Cassandra down");

        Thread.sleep(450);
        warning.warn("click {} answered 503: {}", 50, "Cassandra down");

        assertThat(logged).hasSize(firstBurst + 1);
        assertThat(logged.get(firstBurst)).isEqualTo("click 50 answered 503: Cassandra down ("
                + (50 - firstBurst) + " similar warnings left out before this one)");
    }

    @Test
    void rareFailuresAreEachLoggedAsTheyAre() throws InterruptedException {
        ThrottledWarning warning = new ThrottledWarning(logger, 20);

        warning.warn("open of message {} NOT recorded", "m1");
        Thread.sleep(120);
        warning.warn("open of message {} NOT recorded", "m2");

        assertThat(logged).isEqualTo(Arrays.asList("open of message m1 NOT recorded",
                "open of message m2 NOT recorded"));
    }
}
