package dev.smtpapi.mailet;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.store.StoreUnavailableException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The {@link SplitLedger} in Cassandra: the table {@code split_progress} of the shipped schema, one partition
 * per mail name, the split's message key, times, recipients and digest as static columns and one small row per
 * queued copy. Everything lives {@link #TTL}: a crashed James is restarted, and its spool redelivers, well
 * within that. Every statement is prepared once, idempotent (the driver may retry it) and at the tag storage's
 * consistency ({@code cassandra_consistency}), so that on a cluster a redelivered mail reads the copies that
 * were recorded; recording a copy is one write, with no read. Thread-safe.
 */
final class CassandraSplitLedger implements SplitLedger {
    /** How long a split's record is kept: long enough for any restart, short enough to stay small. */
    static final Duration TTL = Duration.ofDays(7);

    private final Supplier<CqlSession> sessions;
    private final String keyspace;
    private final ConsistencyLevel consistency;
    private Statements statements;

    /**
     * @param sessions the tag storage's session, opened on demand ({@link StoreUnavailableException} when it
     *     cannot be)
     * @param store the tag storage's settings: the keyspace and the consistency used
     */
    CassandraSplitLedger(Supplier<CqlSession> sessions, StoreSettings store) {
        this.sessions = sessions;
        this.keyspace = store.keyspace();
        this.consistency = store.consistency();
    }

    private BoundStatement bound(PreparedStatement statement, Object... values) {
        return statement.bind(values).setConsistencyLevel(consistency).setIdempotent(true);
    }

    private record Statements(CqlSession session, PreparedStatement select, PreparedStatement start,
            PreparedStatement queued) {
    }

    private synchronized Statements statements() {
        CqlSession session = sessions.get();
        if (session == null) {
            throw new StoreUnavailableException("no Cassandra session for the split progress yet", null);
        }
        if (statements == null || statements.session() != session) {
            String table = keyspace + ".split_progress";
            statements = new Statements(session,
                    session.prepare("SELECT message_digest, message_key, sent_at, expires_at, recipients, rcpt_index "
                            + "FROM " + table + " WHERE mail_name = ?"),
                    session.prepare("INSERT INTO " + table + " (mail_name, message_digest, message_key, sent_at, "
                            + "expires_at, recipients) VALUES (?, ?, ?, ?, ?, ?) USING TTL " + TTL.toSeconds()),
                    session.prepare("INSERT INTO " + table + " (mail_name, rcpt_index) VALUES (?, ?) USING TTL "
                            + TTL.toSeconds()));
        }
        return statements;
    }

    @Override
    public Optional<Split> find(String mailName) {
        try {
            Statements cql = statements();
            List<Row> rows = cql.session().execute(bound(cql.select(), mailName)).all();
            if (rows.isEmpty() || rows.get(0).isNull("message_key")) {
                return Optional.empty();
            }
            Row first = rows.get(0);
            Set<Integer> queued = new HashSet<>();
            for (Row row : rows) {
                if (!row.isNull("rcpt_index")) {
                    queued.add(row.getInt("rcpt_index"));
                }
            }
            ByteBuffer digest = first.getByteBuffer("message_digest");
            byte[] digestBytes = new byte[digest == null ? 0 : digest.remaining()];
            if (digest != null) {
                digest.duplicate().get(digestBytes);
            }
            return Optional.of(new Split(mailName, digestBytes, first.getUuid("message_key"),
                    first.getInstant("sent_at"), first.getInstant("expires_at"),
                    first.getList("recipients", String.class), queued));
        } catch (DriverException e) {
            throw StoreUnavailableException.because("reading the split progress of mail " + mailName, e);
        }
    }

    @Override
    public void started(Split split) {
        try {
            Statements cql = statements();
            cql.session().execute(bound(cql.start(), split.mailName(), ByteBuffer.wrap(split.messageDigest()),
                    split.messageKey(), split.sentAt(), split.expiry(), split.recipients()));
        } catch (DriverException e) {
            throw StoreUnavailableException.because("recording the split of mail " + split.mailName(), e);
        }
    }

    @Override
    public CompletionStage<Void> queued(String mailName, int recipientIndex) {
        String what = "recording copy " + recipientIndex + " of mail " + mailName;
        try {
            Statements cql = statements();
            return cql.session().executeAsync(bound(cql.queued(), mailName, recipientIndex))
                    .handle((result, error) -> {
                        if (error != null) {
                            throw StoreUnavailableException.because(what, error);
                        }
                        return null;
                    });
        } catch (DriverException | StoreUnavailableException e) {
            return CompletableFuture.failedFuture(e instanceof StoreUnavailableException unavailable
                    ? unavailable : StoreUnavailableException.because(what, e));
        }
    }
}
