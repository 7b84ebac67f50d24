package dev.smtpapi.store;

import dev.smtpapi.token.TrackingToken;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link TagStore} in memory, for fast tests of everything above tag storage (the mailet's decisions, the
 * tracker's answers) and the way James pairs each of its repositories with a memory one. Data is kept exactly as
 * long as Cassandra keeps it: a row written at {@code t} lives {@code max(1, expiry - t)} whole seconds by the
 * store's clock. {@link #makeUnavailable()} makes every call fail as an unreachable Cassandra does, until
 * {@link #makeAvailable()}. Thread-safe; holds everything written until it expires, so it is not for
 * production volumes.
 */
public final class InMemoryTagStore implements TagStore {
    private final Clock clock;
    private final Map<UUID, Kept<MessageRecord>> messages = new ConcurrentHashMap<>();
    private final Map<RecipientKey, Kept<RecipientRecord>> recipients = new ConcurrentHashMap<>();
    private volatile Optional<String> unavailable = Optional.empty();

    private InMemoryTagStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static InMemoryTagStore create() {
        return new InMemoryTagStore(Clock.systemUTC());
    }

    /** A store whose rows expire by {@code clock}, for tests that let time pass. */
    public static InMemoryTagStore create(Clock clock) {
        return new InMemoryTagStore(clock);
    }

    /** From now on every write and read throws {@link StoreUnavailableException}, as with Cassandra down. */
    public void makeUnavailable() {
        unavailable = Optional.of("the in-memory tag store was made unavailable");
    }

    /** Undoes {@link #makeUnavailable()}; what was written before is still there (unless expired). */
    public void makeAvailable() {
        unavailable = Optional.empty();
    }

    @Override
    public void writeAll(MessageRecord message, List<RecipientRecord> recipients) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(recipients, "recipients");
        failIfUnavailable("cannot write message " + message.messageKey());
        Instant keptUntil = keptUntil(message.expiry());
        messages.put(message.messageKey(), new Kept<>(message, keptUntil));
        for (RecipientRecord recipient : recipients) {
            this.recipients.put(new RecipientKey(recipient.messageKey(), recipient.index()),
                    new Kept<>(recipient, keptUntil));
        }
    }

    @Override
    public Optional<Resolution> resolve(TrackingToken token) {
        failIfUnavailable("cannot read message " + token.messageKey());
        Optional<MessageRecord> message = live(messages, token.messageKey());
        if (message.isEmpty()) {
            return Optional.empty();
        }
        Optional<LinkRecord> link = token.linkIndex().isPresent()
                ? message.get().link(token.linkIndex().getAsInt()) : Optional.empty();
        if (token.linkIndex().isPresent() && link.isEmpty()) {
            return Optional.empty();
        }
        return live(recipients, new RecipientKey(token.messageKey(), token.recipientIndex()))
                .map(recipient -> Resolution.of(token, message.get(), recipient, link));
    }

    private Instant keptUntil(Instant expiry) {
        Instant now = clock.instant();
        return now.plusSeconds(CassandraTagStore.ttlSeconds(now, expiry));
    }

    private <K, V> Optional<V> live(Map<K, Kept<V>> rows, K key) {
        Kept<V> kept = rows.get(key);
        if (kept == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(kept.until())) {
            rows.remove(key, kept);
            return Optional.empty();
        }
        return Optional.of(kept.value());
    }

    private void failIfUnavailable(String what) {
        Optional<String> reason = unavailable;
        if (reason.isPresent()) {
            throw new StoreUnavailableException(what + ": " + reason.get(), null);
        }
    }

    private record Kept<V>(V value, Instant until) {
    }

    private record RecipientKey(UUID messageKey, int index) {
    }
}
