package dev.smtpapi.suppression;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.google.common.collect.Lists;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The suppression list in the {@code suppression_list} table: one partition per recipient, one row per type.
 * {@link #suppressed} reads the recipients of one mail with {@code IN} queries of at most {@value #IN_CHUNK}
 * partitions each, sent at once, so a mail costs one round trip whatever its number of recipients.
 * {@link #addIfAbsent} is a lightweight transaction, so two simultaneous unsubscribes add one entry.
 */
public final class CassandraSuppressionList implements SuppressionList {
    static final int IN_CHUNK = 100;
    private static final Duration SCAN_TIMEOUT = Duration.ofSeconds(30);
    private static final String COLUMNS = "recipient, type, source, description, created, updated";

    private final CqlSession session;
    private final StoreSettings settings;
    private final PreparedStatement selectSuppressed;
    private final PreparedStatement selectRecipient;
    private final PreparedStatement insert;
    private final PreparedStatement insertIfAbsent;
    private final PreparedStatement deleteOne;
    private final PreparedStatement deleteAll;
    private final PreparedStatement selectAll;

    private CassandraSuppressionList(CqlSession session, StoreSettings settings) {
        this.session = Objects.requireNonNull(session, "session");
        this.settings = Objects.requireNonNull(settings, "settings");
        String table = settings.keyspace() + ".suppression_list";
        this.selectSuppressed = session.prepare("SELECT recipient FROM " + table + " WHERE recipient IN ? AND type = ?");
        this.selectRecipient = session.prepare("SELECT " + COLUMNS + " FROM " + table + " WHERE recipient = ?");
        this.insert = session.prepare("INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)");
        this.insertIfAbsent = session.prepare("INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?) "
                + "IF NOT EXISTS");
        this.deleteOne = session.prepare("DELETE FROM " + table + " WHERE recipient = ? AND type = ?");
        this.deleteAll = session.prepare("DELETE FROM " + table + " WHERE recipient = ?");
        this.selectAll = session.prepare("SELECT " + COLUMNS + " FROM " + table);
    }

    /** Over an open session whose keyspace and tables exist (see {@link dev.smtpapi.store.CassandraConnector}). */
    public static CassandraSuppressionList create(CqlSession session, StoreSettings settings) {
        return new CassandraSuppressionList(session, settings);
    }

    @Override
    public Set<SuppressedAddress> suppressed(Collection<SuppressedAddress> recipients, SuppressionType type) {
        if (recipients.isEmpty()) {
            return Set.of();
        }
        List<String> keys = recipients.stream().map(SuppressedAddress::value).distinct().toList();
        List<CompletableFuture<AsyncResultSet>> reads = new ArrayList<>();
        for (List<String> chunk : Lists.partition(keys, IN_CHUNK)) {
            reads.add(executeAsync(selectSuppressed.bind(chunk, type.code()).setPageSize(IN_CHUNK * 2)));
        }
        Set<SuppressedAddress> found = new HashSet<>();
        try {
            for (CompletableFuture<AsyncResultSet> read : reads) {
                // At most one row per partition and type: the first page holds them all.
                for (Row row : read.get().currentPage()) {
                    found.add(new SuppressedAddress(row.getString("recipient")));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted reading the suppression list", e);
        } catch (ExecutionException e) {
            throw StoreUnavailableException.because("cannot read the suppression list", e.getCause());
        }
        return found;
    }

    @Override
    public List<SuppressionEntry> entries(SuppressedAddress recipient) {
        List<SuppressionEntry> found = new ArrayList<>();
        for (Row row : execute(selectRecipient.bind(recipient.value()), "read the suppression list")) {
            entry(row).ifPresent(found::add);
        }
        return found;
    }

    @Override
    public SuppressionEntry put(SuppressionEntry entry) {
        SuppressionEntry stored = entries(entry.recipient()).stream()
                .filter(existing -> existing.type() == entry.type())
                .findFirst()
                .map(existing -> existing.updatedBy(entry))
                .orElse(entry);
        execute(bind(insert, stored), "write the suppression list");
        return stored;
    }

    @Override
    public boolean addIfAbsent(SuppressionEntry entry) {
        return execute(bind(insertIfAbsent, entry), "write the suppression list").wasApplied();
    }

    @Override
    public boolean delete(SuppressedAddress recipient, Optional<SuppressionType> type) {
        boolean existed = entries(recipient).stream().anyMatch(entry -> type.isEmpty() || entry.type() == type.get());
        if (existed) {
            execute(type.isPresent() ? deleteOne.bind(recipient.value(), type.get().code())
                    : deleteAll.bind(recipient.value()), "delete from the suppression list");
        }
        return existed;
    }

    @Override
    public Stream<SuppressionEntry> all() {
        ResultSet rows = execute(selectAll.bind().setPageSize(5000).setTimeout(SCAN_TIMEOUT),
                "scan the suppression list");
        return StreamSupport.stream(rows.spliterator(), false).map(CassandraSuppressionList::entry)
                .flatMap(Optional::stream);
    }

    private static BoundStatement bind(PreparedStatement statement, SuppressionEntry entry) {
        return statement.bind(entry.recipient().value(), entry.type().code(), entry.source().label(),
                entry.description(), entry.created(), entry.updated());
    }

    /** A row this version cannot read (a type or source written by a later one) is left out, not fatal. */
    private static Optional<SuppressionEntry> entry(Row row) {
        Optional<SuppressionType> type = SuppressionType.fromCode(row.getString("type"));
        Optional<SuppressionSource> source = SuppressionSource.fromLabel(row.getString("source"));
        if (type.isEmpty() || source.isEmpty() || row.getInstant("created") == null
                || row.getInstant("updated") == null) {
            return Optional.empty();
        }
        String description = row.getString("description");
        return Optional.of(new SuppressionEntry(new SuppressedAddress(row.getString("recipient")), type.get(),
                source.get(), description == null ? "" : description, row.getInstant("created"),
                row.getInstant("updated")));
    }

    private ResultSet execute(BoundStatement statement, String what) {
        try {
            return session.execute(statement.setConsistencyLevel(settings.consistency()));
        } catch (DriverException e) {
            throw StoreUnavailableException.because("cannot " + what, e);
        }
    }

    private CompletableFuture<AsyncResultSet> executeAsync(BoundStatement statement) {
        try {
            CompletionStage<AsyncResultSet> read = session.executeAsync(
                    statement.setConsistencyLevel(settings.consistency()).setIdempotent(true));
            return read.toCompletableFuture();
        } catch (DriverException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
