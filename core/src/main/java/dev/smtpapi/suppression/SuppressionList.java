package dev.smtpapi.suppression;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Recipients who must not get mail of a type: the unsubscribed, and whoever an operator put there. Addresses
 * are compared as {@link SuppressedAddress} does. Implementations are thread-safe; the Cassandra one throws
 * {@link dev.smtpapi.store.StoreUnavailableException} when it cannot answer.
 */
public interface SuppressionList {
    /** Which of these recipients have an entry of this type: one lookup for the whole set. */
    Set<SuppressedAddress> suppressed(Collection<SuppressedAddress> recipients, SuppressionType type);

    /** The recipient's entries (at most one per type). */
    List<SuppressionEntry> entries(SuppressedAddress recipient);

    /**
     * Adds the entry, or updates the one of the same recipient and type (its source, description and
     * {@code updated}; {@code created} stays). Returns what is stored now.
     */
    SuppressionEntry put(SuppressionEntry entry);

    /** Adds the entry unless the recipient already has one of its type; returns whether it was added. */
    boolean addIfAbsent(SuppressionEntry entry);

    /** Removes the recipient's entry of that type, or of every type when empty; returns whether any existed. */
    boolean delete(SuppressedAddress recipient, Optional<SuppressionType> type);

    /** Every entry, in no particular order (a full scan: for the search API, not for mail). */
    Stream<SuppressionEntry> all();
}
