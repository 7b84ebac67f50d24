package dev.smtpapi.tracker.web;

import dev.smtpapi.store.Resolution;
import dev.smtpapi.store.TagStore;
import dev.smtpapi.token.TrackingToken;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;

/** Looks verified tokens up in tag storage, counting every lookup so tests and operators can see them. */
public final class TokenLookup {
    private final TagStore store;
    private final Counter lookups;

    public TokenLookup(TagStore store, MeterRegistry registry) {
        this.store = store;
        this.lookups = Counter.builder("smtpapi.tracker.store.lookups")
                .description("Verified tokens looked up in tag storage (cache or Cassandra)").register(registry);
    }

    /**
     * The message, recipient and link of a verified token, if tag storage holds them.
     *
     * @throws dev.smtpapi.store.StoreUnavailableException when Cassandra cannot be read and nothing is cached
     */
    public Optional<Resolution> resolve(TrackingToken token) {
        lookups.increment();
        return store.resolve(token);
    }
}
