package dev.smtpapi.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.smtpapi.testsupport.LocalCassandra;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Copies sent per campaign, as the mailet writes them and the report page reads them, in a real Cassandra. */
class CampaignCountersTest {
    private static final Instant MONDAY_NINE = Instant.parse("2026-11-30T09:00:00Z");

    private static StoreSettings settings;
    private static CqlSession session;
    private static CampaignCounters counters;

    @BeforeAll
    static void connect() {
        settings = StoreSettings.builder().contactPoint(LocalCassandra.host(), LocalCassandra.port())
                .keyspace(LocalCassandra.freshKeyspace("counters")).build();
        session = CassandraConnector.connect(settings);
        counters = CampaignCounters.create(session, settings);
    }

    @AfterAll
    static void close() {
        LocalCassandra.dropKeyspace(session, settings.keyspace());
        session.close();
    }

    @Test
    void copiesOfEveryMailOfACampaignAddUpOverTheHoursAndDaysOfTheWindow() throws Exception {
        counters.addCopies("Mail1", Optional.of("black friday"), MONDAY_NINE.plusSeconds(60), 3);
        counters.addCopies("Mail2", Optional.of("black friday"), MONDAY_NINE.plus(Duration.ofMinutes(90)), 2);
        counters.addCopies("Mail3", Optional.of("black friday"), MONDAY_NINE.plus(Duration.ofHours(20)), 5);
        counters.addCopies("Mail4", Optional.of("<script>alert(1)</script>"), MONDAY_NINE, 1);
        counters.addCopies("Mail5", Optional.empty(), MONDAY_NINE, 7);

        Map<String, Long> wholeWeek = awaitCopies(MONDAY_NINE.minus(Duration.ofDays(3)),
                MONDAY_NINE.plus(Duration.ofDays(3)), 11);
        assertThat(wholeWeek).containsExactly(Map.entry("<script>alert(1)</script>", 1L),
                Map.entry("black friday", 10L));
        assertThat(counters.copiesBetween(MONDAY_NINE.plus(Duration.ofMinutes(75)), MONDAY_NINE.plus(Duration.ofHours(2))))
                .as("a window counts every hour it touches: 10:00-11:00 holds the second mail")
                .containsExactly(Map.entry("black friday", 2L));
        assertThat(counters.copiesBetween(MONDAY_NINE.plus(Duration.ofHours(19)), MONDAY_NINE.plus(Duration.ofHours(30))))
                .as("the next day's partition").containsExactly(Map.entry("black friday", 5L));
        assertThat(counters.copiesBetween(MONDAY_NINE.minus(Duration.ofDays(2)), MONDAY_NINE)).isEmpty();
    }

    /** Counter writes are asynchronous: wait for them, then return what the window holds. */
    private static Map<String, Long> awaitCopies(Instant from, Instant to, long expectedTotal) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Map<String, Long> copies = counters.copiesBetween(from, to);
            if (copies.values().stream().mapToLong(Long::longValue).sum() >= expectedTotal
                    || System.nanoTime() > deadline) {
                return copies;
            }
            Thread.sleep(50);
        }
    }
}
