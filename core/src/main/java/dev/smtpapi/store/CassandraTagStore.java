package dev.smtpapi.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.TupleType;
import com.datastax.oss.driver.api.core.data.TupleValue;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.collect.ImmutableList;
import dev.smtpapi.token.TrackingToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;

/**
 * {@link TagStore} in Cassandra: writes what a message's tokens stand for, and resolves a verified token back
 * to it. A message is written as one {@code messages} row (engagement data and the link table) plus one small
 * {@code recipients} row per recipient, each with a TTL that ends with the links' lifetime.
 *
 * <p>Writes are asynchronous prepared statements with a bound on how many are in flight at once, shared by
 * every thread using this store. Reads go through two bounded caches, so a link clicked again (or clicked
 * while Cassandra is away) does not need a round trip; a cached message is dropped once past its expiry, as
 * its rows are. Thread-safe.
 */
public final class CassandraTagStore implements TagStore {
    private static final TupleType LINK = DataTypes.tupleOf(DataTypes.TEXT, DataTypes.TEXT, DataTypes.BOOLEAN);

    private final CqlSession session;
    private final StoreSettings settings;
    private final Clock clock;
    private final Semaphore inFlight;
    private final PreparedStatement insertMessage;
    private final PreparedStatement insertRecipient;
    private final PreparedStatement selectMessage;
    private final PreparedStatement selectRecipient;
    private final Cache<UUID, MessageRecord> messages;
    private final Cache<RecipientKey, RecipientRecord> recipients;

    private CassandraTagStore(CqlSession session, StoreSettings settings, Clock clock) {
        this.session = Objects.requireNonNull(session, "session");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.inFlight = new Semaphore(settings.maxRequestsInFlight());
        String ks = settings.keyspace();
        this.insertMessage = session.prepare("INSERT INTO " + ks + ".messages (message_key, message_id, "
                + "campaign_id, metadata, tags, click_metadata, sent_at, expires_at, links) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?");
        this.insertRecipient = session.prepare("INSERT INTO " + ks + ".recipients (message_key, rcpt_index, "
                + "raw_rcpt_to) VALUES (?, ?, ?) USING TTL ?");
        this.selectMessage = session.prepare("SELECT message_id, campaign_id, metadata, tags, click_metadata, "
                + "sent_at, expires_at, links FROM " + ks + ".messages WHERE message_key = ?");
        this.selectRecipient = session.prepare("SELECT raw_rcpt_to FROM " + ks + ".recipients "
                + "WHERE message_key = ? AND rcpt_index = ?");
        this.messages = CacheBuilder.newBuilder().maximumSize(settings.cachedMessages()).build();
        this.recipients = CacheBuilder.newBuilder().maximumSize(settings.cachedRecipients()).build();
    }

    /** A store over an open session whose keyspace and tables exist (see {@link CassandraConnector}). */
    public static CassandraTagStore create(CqlSession session, StoreSettings settings) {
        return new CassandraTagStore(session, settings, Clock.systemUTC());
    }

    public static CassandraTagStore create(CqlSession session, StoreSettings settings, Clock clock) {
        return new CassandraTagStore(session, settings, clock);
    }

    /** Writes the message-level row. Completes when Cassandra acknowledged it at the configured consistency. */
    public CompletionStage<Void> writeMessage(MessageRecord message) {
        List<TupleValue> links = new ArrayList<>(message.links().size());
        for (LinkRecord link : message.links()) {
            links.add(LINK.newValue(link.targetUrl(), link.name().orElse(""), link.unsubscribe()));
        }
        BoundStatement statement = insertMessage.bind(message.messageKey(), message.messageId(),
                message.campaignId().orElse(null), message.metadataJson().orElse(null), message.tags(),
                message.clickEventsCarryMetadata(), message.sentAt(), message.expiry(), links,
                ttlSeconds(message.expiry()));
        return execute(statement, "message " + message.messageKey());
    }

    /** Writes one recipient row, living until the message's links expire. */
    public CompletionStage<Void> writeRecipient(RecipientRecord recipient, Instant expiry) {
        BoundStatement statement = insertRecipient.bind(recipient.messageKey(), recipient.index(),
                recipient.rawAddress(), ttlSeconds(expiry));
        return execute(statement, "recipient " + recipient);
    }

    @Override
    public void writeAll(MessageRecord message, List<RecipientRecord> recipients) {
        List<CompletableFuture<Void>> writes = new ArrayList<>(recipients.size() + 1);
        writes.add(writeMessage(message).toCompletableFuture());
        for (RecipientRecord recipient : recipients) {
            writes.add(writeRecipient(recipient, message.expiry()).toCompletableFuture());
        }
        await(CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])), message);
    }

    /** From the caches when it can; reads Cassandra only for what is not cached. */
    @Override
    public Optional<Resolution> resolve(TrackingToken token) {
        Optional<MessageRecord> message = message(token.messageKey());
        if (message.isEmpty()) {
            return Optional.empty();
        }
        Optional<LinkRecord> link = Optional.empty();
        if (token.linkIndex().isPresent()) {
            link = message.get().link(token.linkIndex().getAsInt());
            if (link.isEmpty()) {
                return Optional.empty();
            }
        }
        Optional<RecipientRecord> recipient = recipient(token.messageKey(), token.recipientIndex());
        if (recipient.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Resolution.of(token, message.get(), recipient.get(), link));
    }

    /** Whether {@link #resolve} can answer this token from memory alone. */
    public boolean isCached(TrackingToken token) {
        return cachedMessage(token.messageKey()) != null
                && recipients.getIfPresent(new RecipientKey(token.messageKey(), token.recipientIndex())) != null;
    }

    public Optional<MessageRecord> message(UUID messageKey) {
        MessageRecord cached = cachedMessage(messageKey);
        if (cached != null) {
            return Optional.of(cached);
        }
        Row row = readOne(selectMessage.bind(messageKey), "message " + messageKey);
        if (row == null) {
            return Optional.empty();
        }
        ImmutableList.Builder<LinkRecord> links = ImmutableList.builder();
        for (TupleValue link : row.getList("links", TupleValue.class)) {
            String name = link.getString(1);
            links.add(LinkRecord.of(link.getString(0), name == null || name.isEmpty()
                    ? Optional.empty() : Optional.of(name), link.getBoolean(2)));
        }
        MessageRecord message = MessageRecord.builder()
                .messageKey(messageKey)
                .messageId(Objects.requireNonNullElse(row.getString("message_id"), ""))
                .campaignId(Optional.ofNullable(row.getString("campaign_id")))
                .metadataJson(Optional.ofNullable(row.getString("metadata")))
                .tags(row.getList("tags", String.class))
                .clickEventsCarryMetadata(row.getBoolean("click_metadata"))
                .sentAt(row.getInstant("sent_at"))
                .expiry(row.getInstant("expires_at"))
                .links(links.build())
                .build();
        messages.put(messageKey, message);
        return Optional.of(message);
    }

    public Optional<RecipientRecord> recipient(UUID messageKey, int index) {
        RecipientKey key = new RecipientKey(messageKey, index);
        RecipientRecord cached = recipients.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Row row = readOne(selectRecipient.bind(messageKey, index), "recipient " + messageKey + "#" + index);
        if (row == null) {
            return Optional.empty();
        }
        RecipientRecord recipient = RecipientRecord.of(messageKey, index, row.getString("raw_rcpt_to"));
        recipients.put(key, recipient);
        return Optional.of(recipient);
    }

    /** The cached message, unless it is past its expiry (then it is dropped: its rows are gone too). */
    private MessageRecord cachedMessage(UUID messageKey) {
        MessageRecord cached = messages.getIfPresent(messageKey);
        if (cached != null && !clock.instant().isBefore(cached.expiry())) {
            messages.invalidate(messageKey);
            return null;
        }
        return cached;
    }

    public StoreSettings settings() {
        return settings;
    }

    private CompletionStage<Void> execute(BoundStatement statement, String what) {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new StoreUnavailableException("interrupted writing " + what, e));
        }
        CompletionStage<AsyncResultSet> write;
        try {
            write = session.executeAsync(statement.setConsistencyLevel(settings.consistency()).setIdempotent(true));
        } catch (RuntimeException e) {
            inFlight.release();
            return CompletableFuture.failedFuture(new StoreUnavailableException("cannot write " + what, e));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        write.whenComplete((result, error) -> {
            inFlight.release();
            if (error != null) {
                done.completeExceptionally(StoreUnavailableException.because("cannot write " + what, error));
            } else {
                done.complete(null);
            }
        });
        return done;
    }

    private Row readOne(BoundStatement statement, String what) {
        try {
            return session.execute(statement.setConsistencyLevel(settings.consistency())).one();
        } catch (DriverException e) {
            throw new StoreUnavailableException("cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    private static void await(CompletableFuture<Void> all, MessageRecord message) {
        try {
            all.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted writing message " + message.messageKey(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException ? e.getCause().getCause() : e.getCause();
            if (cause instanceof StoreUnavailableException) {
                throw (StoreUnavailableException) cause;
            }
            throw new StoreUnavailableException("cannot write message " + message.messageKey(), cause);
        }
    }

    private int ttlSeconds(Instant expiry) {
        return ttlSeconds(clock.instant(), expiry);
    }

    /** The TTL of rows written at {@code now}: whole seconds until the expiry, at least one. */
    static int ttlSeconds(Instant now, Instant expiry) {
        long seconds = Duration.between(now, expiry).getSeconds();
        return (int) Math.max(1, Math.min(seconds, Integer.MAX_VALUE));
    }

    private record RecipientKey(UUID messageKey, int index) {
    }
}
