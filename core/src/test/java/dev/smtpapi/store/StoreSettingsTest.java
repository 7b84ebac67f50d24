package dev.smtpapi.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.smtpapi.config.InvalidOptionException;
import dev.smtpapi.config.Options;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreSettingsTest {

    @Test
    void theWriteTimeoutIsThreeSecondsUnlessGivenInSecondsOrMilliseconds() {
        assertThat(StoreSettings.from(Options.from(Map.of())).writeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(writeTimeout("5")).isEqualTo(Duration.ofSeconds(5));
        assertThat(writeTimeout("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(writeTimeout(" 750ms ")).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void aBadWriteTimeoutFailsNamingTheOptionAndTheValue() {
        for (String bad : new String[] {"soon", "-1", "1.5s", "3 minutes", "50ms", "301s"}) {
            assertThatThrownBy(() -> writeTimeout(bad)).as(bad)
                    .isInstanceOf(InvalidOptionException.class)
                    .hasMessageContaining("cassandra_write_timeout")
                    .hasMessageContaining(bad);
        }
    }

    private static Duration writeTimeout(String value) {
        return StoreSettings.from(Options.from(Map.of(StoreSettings.WRITE_TIMEOUT, value))).writeTimeout();
    }
}
