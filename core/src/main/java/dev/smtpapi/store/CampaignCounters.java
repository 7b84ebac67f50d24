package dev.smtpapi.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.DriverException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies sent per campaign, the denominator of the report page's open and click rates. The mailet adds a
 * tracked mail's recipient count once per mail ({@link #addCopies}): one asynchronous counter write, never a
 * read, and never a reason to stop a mail: failures are logged and forgotten. The tracker reads the sums over
 * a time window ({@link #copiesBetween}).
 *
 * <p>Counts are kept per hour of sending, so a window counts every hour it touches. Counter writes are not
 * idempotent: a write the driver retries after a timeout may count a mail twice, which a rate can afford.
 * Thread-safe.
 */
public final class CampaignCounters {
    private static final Logger LOGGER = LoggerFactory.getLogger(CampaignCounters.class);

    private final CqlSession session;
    private final Semaphore inFlight;
    private final PreparedStatement increment;
    private final PreparedStatement selectDay;

    private CampaignCounters(CqlSession session, StoreSettings settings) {
        this.session = Objects.requireNonNull(session, "session");
        this.inFlight = new Semaphore(settings.maxRequestsInFlight());
        String table = settings.keyspace() + "." + Schema.CAMPAIGN_COPIES_TABLE;
        this.increment = session.prepare("UPDATE " + table + " SET copies = copies + ? "
                + "WHERE day = ? AND hour = ? AND campaign_id = ?");
        this.selectDay = session.prepare("SELECT campaign_id, copies FROM " + table
                + " WHERE day = ? AND hour >= ? AND hour < ?");
    }

    /**
     * Counters over an open session whose schema exists.
     *
     * @throws StoreUnavailableException when the statements cannot be prepared (Cassandra away, or the
     *     {@code campaign_copies} table missing from a schema the operator manages)
     */
    public static CampaignCounters create(CqlSession session, StoreSettings settings) {
        try {
            return new CampaignCounters(session, settings);
        } catch (DriverException e) {
            throw StoreUnavailableException.because("cannot prepare the campaign counters", e);
        }
    }

    /**
     * Adds {@code copies} to the campaign's count for the hour of {@code sentAt}, in the background. Never
     * throws and never waits: a mail without a campaign counts nowhere, a failed write is logged under
     * {@code mailName} (the campaign id is the sender's text and stays out of the log).
     */
    public void addCopies(String mailName, Optional<String> campaignId, Instant sentAt, int copies) {
        if (campaignId.isEmpty() || copies <= 0) {
            return;
        }
        String campaign = campaignId.get();
        if (!inFlight.tryAcquire()) {
            LOGGER.warn("Mail {}: its {} copies are not counted for its campaign: too many counter writes in "
                    + "flight", mailName, copies);
            return;
        }
        try {
            Instant hour = sentAt.truncatedTo(ChronoUnit.HOURS);
            session.executeAsync(increment.bind((long) copies, day(hour), hour, campaign))
                    .whenComplete((result, failure) -> {
                        inFlight.release();
                        if (failure != null) {
                            LOGGER.warn("Mail {}: its {} copies are not counted for its campaign: {}", mailName,
                                    copies, failure.getMessage());
                        }
                    });
        } catch (RuntimeException e) {
            inFlight.release();
            LOGGER.warn("Mail {}: its {} copies are not counted for its campaign: {}", mailName, copies,
                    e.getMessage());
        }
    }

    /**
     * Copies sent per campaign in the hours that {@code [from, to)} touches, by campaign id.
     *
     * @throws StoreUnavailableException when Cassandra cannot be read
     */
    public Map<String, Long> copiesBetween(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to; was " + from + " and " + to);
        }
        Instant firstHour = from.truncatedTo(ChronoUnit.HOURS);
        List<CompletableFuture<Map<String, Long>>> days = new ArrayList<>();
        for (LocalDate day = day(firstHour); !day.isAfter(day(to)); day = day.plusDays(1)) {
            days.add(readAll(session.executeAsync(selectDay.bind(day, firstHour, to)), new TreeMap<>())
                    .toCompletableFuture());
        }
        Map<String, Long> totals = new TreeMap<>();
        try {
            for (CompletableFuture<Map<String, Long>> day : days) {
                day.join().forEach((campaign, copies) -> totals.merge(campaign, copies, Long::sum));
            }
        } catch (CompletionException e) {
            throw StoreUnavailableException.because("cannot read the campaign counters", e.getCause());
        }
        return totals;
    }

    private static CompletionStage<Map<String, Long>> readAll(CompletionStage<AsyncResultSet> page,
            Map<String, Long> sums) {
        return page.thenCompose(rows -> {
            for (Row row : rows.currentPage()) {
                sums.merge(row.getString("campaign_id"), row.getLong("copies"), Long::sum);
            }
            return rows.hasMorePages() ? readAll(rows.fetchNextPage(), sums)
                    : CompletableFuture.completedFuture(sums);
        });
    }

    private static LocalDate day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }
}
