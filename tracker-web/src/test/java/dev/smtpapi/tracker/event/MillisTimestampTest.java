package dev.smtpapi.tracker.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The events' timestamps, written as SparkPost writes them. */
class MillisTimestampTest {
    private static final DateTimeFormatter SPARKPOST =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void an_instant_is_written_in_utc_to_the_millisecond() {
        assertThat(MillisTimestamp.format(Instant.parse("2026-11-27T12:34:56.789123Z")))
                .isEqualTo("2026-11-27T12:34:56.789Z");
        assertThat(MillisTimestamp.format(Instant.parse("2024-02-29T00:00:00Z"))).isEqualTo("2024-02-29T00:00:00.000Z");
        assertThat(MillisTimestamp.format(Instant.EPOCH.minusMillis(1))).isEqualTo("1969-12-31T23:59:59.999Z");
    }

    @Test
    void every_instant_is_written_as_the_formatter_writes_it_and_reads_back_to_its_millisecond() {
        SplittableRandom random = new SplittableRandom(20261202);
        long first = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(first, last + 1), random.nextInt(1_000_000_000));
            String text = MillisTimestamp.format(instant);
            assertThat(text).isEqualTo(SPARKPOST.format(instant));
            assertThat(Instant.parse(text)).isEqualTo(instant.truncatedTo(ChronoUnit.MILLIS));
        }
    }

    @Test
    void the_first_and_last_second_of_four_digit_years_and_the_years_beyond_them() {
        for (String edge : new String[] {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z"}) {
            Instant instant = Instant.parse(edge);
            assertThat(MillisTimestamp.format(instant)).isEqualTo(SPARKPOST.format(instant));
        }
        for (Instant beyond : new Instant[] {Instant.parse("0001-01-01T00:00:00Z").minusNanos(1),
                Instant.parse("9999-12-31T23:59:59.999Z").plusSeconds(1), Instant.parse("+12026-01-01T00:00:00Z")}) {
            assertThat(MillisTimestamp.format(beyond)).isEqualTo(SPARKPOST.format(beyond));
        }
    }
}
