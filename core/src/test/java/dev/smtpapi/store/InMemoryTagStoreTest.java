package dev.smtpapi.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.smtpapi.token.TrackingToken;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The tag-store contract in memory, on a clock the test moves; plus the switch that plays Cassandra down. */
class InMemoryTagStoreTest extends TagStoreContract {
    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-27T08:00:00.123Z"));
    private final InMemoryTagStore store = InMemoryTagStore.create(clock);

    @Override
    TagStore store() {
        return store;
    }

    @Override
    TagStore reopened() {
        return store;
    }

    @Override
    Instant now() {
        return clock.instant();
    }

    @Override
    void passTime(Duration duration) {
        clock.advance(duration);
    }

    @Test
    void madeUnavailableItFailsEveryWriteAndReadLikeAnUnreachableCassandraUntilMadeAvailableAgain() {
        MessageRecord stored = newsletter(2, now(), LIFETIME);
        store.writeAll(stored, recipients(stored.messageKey(), 1));
        TrackingToken click = TrackingToken.click(stored.messageKey(), 0, 1, stored.expiry());
        MessageRecord next = newsletter(2, now(), LIFETIME);

        store.makeUnavailable();

        assertThatThrownBy(() -> store.writeAll(next, recipients(next.messageKey(), 1)))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining(next.messageKey().toString());
        assertThatThrownBy(() -> store.resolve(click)).isInstanceOf(StoreUnavailableException.class);

        store.makeAvailable();

        assertThat(store.resolve(click)).isPresent();
        assertThat(store.resolve(TrackingToken.open(next.messageKey(), 0, next.expiry())))
                .as("the write that failed left nothing").isEmpty();
    }
}
