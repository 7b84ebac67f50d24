package dev.smtpapi.mailet;

import dev.smtpapi.store.StoreUnavailableException;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SplitLedger} in memory, for the mailet's decisions in fast tests (and beside an in-memory tag store).
 * {@link #failAfter} plays Cassandra going away in the middle of a split. Thread-safe.
 */
final class InMemorySplitLedger implements SplitLedger {
    private final Map<String, Split> splits = new ConcurrentHashMap<>();
    private volatile int writesLeft = Integer.MAX_VALUE;

    @Override
    public Optional<Split> find(String mailName) {
        return Optional.ofNullable(splits.get(mailName));
    }

    @Override
    public void started(Split split) {
        write();
        splits.put(split.mailName(), split);
    }

    @Override
    public CompletionStage<Void> queued(String mailName, int recipientIndex) {
        try {
            write();
        } catch (StoreUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
        splits.computeIfPresent(mailName, (name, split) -> {
            Set<Integer> queued = new HashSet<>(split.queued());
            queued.add(recipientIndex);
            return new Split(name, split.messageDigest(), split.messageKey(), split.sentAt(), split.expiry(),
                    split.recipients(), queued);
        });
        return CompletableFuture.completedFuture(null);
    }

    /** From now on, {@code writes} more writes succeed and every one after fails. */
    void failAfter(int writes) {
        writesLeft = writes;
    }

    private synchronized void write() {
        if (writesLeft <= 0) {
            throw new StoreUnavailableException("split ledger unavailable (test)", null);
        }
        writesLeft--;
    }
}
