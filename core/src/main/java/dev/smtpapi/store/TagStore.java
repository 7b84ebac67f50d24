package dev.smtpapi.store;

import dev.smtpapi.token.TrackingToken;
import java.util.List;
import java.util.Optional;

/**
 * Tag storage: what a message's tokens stand for, written by the mailet before any tracked copy leaves and
 * resolved by the tracker when a link is clicked or a pixel fetched. Implemented by {@link CassandraTagStore}
 * and, for tests and for callers whose decisions do not need a database, by {@link InMemoryTagStore}; both
 * pass the same contract tests.
 *
 * <p>The contract: data is kept until the message's {@link MessageRecord#expiry() expiry} and not after;
 * every failure to reach the storage is a {@link StoreUnavailableException}, never a silent empty answer.
 * Implementations are thread-safe.
 */
public interface TagStore {

    /**
     * Writes a message and all its recipients, and returns only when every row is stored: the caller may then
     * deliver tracked links.
     *
     * @throws StoreUnavailableException when any write failed or did not finish in time; some rows may
     *     have been written, none of them is then reachable by a token that was delivered
     */
    void writeAll(MessageRecord message, List<RecipientRecord> recipients);

    /**
     * Resolves a verified token to its message, recipient and link. Empty when tag storage has no such data
     * (expired and removed, never written, or an index past the message's recipients or links).
     *
     * @throws StoreUnavailableException when the storage cannot be read now
     */
    Optional<Resolution> resolve(TrackingToken token);
}
