package dev.smtpapi.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatementBuilder;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.TupleType;
import com.datastax.oss.driver.api.core.data.TupleValue;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * {@link TagStore} in Cassandra: writes what a message's tokens stand for, and resolves a verified token back
 * to it. A message is written as one {@code messages} row (engagement data and the link table) plus one small
 * {@code recipients} row per recipient, each with a TTL that ends with the links' lifetime.
 *
 * <p>Writes are asynchronous prepared statements with a bound on how many are in flight at once, shared by
 * every thread using this store, and a caller never waits longer than the write timeout for Cassandra to
 * make progress. Reads go through two bounded caches, so a link clicked again (or clicked
 * while Cassandra is away) does not need a round trip; a cached message is dropped once past its expiry, as
 * its rows are. Thread-safe.
 */
public final class CassandraTagStore implements TagStore {
    /** A node lost under load would otherwise log every tag read until its peers judge it down. */
    private static final ThrottledWarning ONE_REPLICA_READS =
            new ThrottledWarning(LoggerFactory.getLogger(CassandraTagStore.class), 5);
    /**
     * How long a tag read may take, at the configured consistency and then at one replica (the driver's request
     * timeout if shorter). A healthy cluster answers in milliseconds; the driver's speculative executions (at 0.5
     * and 1 s) fit inside.
     */
    static final Duration CONSISTENT_READ_TIMEOUT = Duration.ofSeconds(2);
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
    /** The consistency that reads one replica, when the configured one asks for more. */
    private final Optional<DefaultConsistencyLevel> oneReplica;

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
        this.oneReplica = oneReplicaOf(settings.consistency());
        this.selectMessage = prepareRead("SELECT message_id, campaign_id, metadata, tags, click_metadata, "
                + "sent_at, expires_at, links FROM " + ks + ".messages WHERE message_key = ?");
        this.selectRecipient = prepareRead("SELECT raw_rcpt_to FROM " + ks + ".recipients "
                + "WHERE message_key = ? AND rcpt_index = ?");
        this.messages = CacheBuilder.newBuilder().maximumSize(settings.cachedMessages()).build();
        this.recipients = CacheBuilder.newBuilder().maximumSize(settings.cachedRecipients()).build();
    }

    /**
     * A tag read, prepared once with what every execution of it shares (its bound statements inherit it): the
     * configured consistency; idempotent, so the driver may send it again to another node when the one it went
     * to dies with the request in flight (without it, a node killed mid-campaign failed clicks); and, when one
     * replica can be asked instead, at most {@link #CONSISTENT_READ_TIMEOUT} (or the driver's shorter timeout).
     */
    private PreparedStatement prepareRead(String query) {
        SimpleStatementBuilder read = SimpleStatement.builder(query)
                .setConsistencyLevel(settings.consistency()).setIdempotence(true);
        if (oneReplica.isPresent()) {
            Duration requestTimeout = session.getContext().getConfig().getDefaultProfile()
                    .getDuration(DefaultDriverOption.REQUEST_TIMEOUT);
            read.setTimeout(requestTimeout.compareTo(CONSISTENT_READ_TIMEOUT) < 0 ? requestTimeout
                    : CONSISTENT_READ_TIMEOUT);
        }
        return session.prepare(read.build());
    }

    /** A store over an open session whose keyspace and tables exist (see {@link CassandraConnector}). */
    public static CassandraTagStore create(CqlSession session, StoreSettings settings) {
        return new CassandraTagStore(session, settings, Clock.systemUTC());
    }

    public static CassandraTagStore create(CqlSession session, StoreSettings settings, Clock clock) {
        return new CassandraTagStore(session, settings, clock);
    }

    /**
     * Sends the message row and then the recipient rows, each as soon as a request slot is free, and waits for
     * them. Gives up at the first failed row, when no slot frees up, or when no row is acknowledged, within
     * {@link StoreSettings#writeTimeout()}; rows not yet sent are then never sent.
     */
    @Override
    public void writeAll(MessageRecord message, List<RecipientRecord> recipients) {
        RowWrites writes = new RowWrites("message " + message.messageKey());
        int ttl = ttlSeconds(message.expiry());
        List<TupleValue> links = new ArrayList<>(message.links().size());
        for (LinkRecord link : message.links()) {
            links.add(LINK.newValue(link.targetUrl(), link.name().orElse(""), link.unsubscribe()));
        }
        send(writes, insertMessage.bind(message.messageKey(), message.messageId(),
                message.campaignId().orElse(null), message.metadataJson().orElse(null), message.tags(),
                message.clickEventsCarryMetadata(), message.sentAt(), message.expiry(), links, ttl),
                "message " + message.messageKey());
        for (RecipientRecord recipient : recipients) {
            if (writes.failed()) {
                break;
            }
            send(writes, insertRecipient.bind(recipient.messageKey(), recipient.index(), recipient.rawAddress(), ttl),
                    "recipient " + recipient);
        }
        writes.await(settings.writeTimeout());
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

    private void send(RowWrites writes, BoundStatement statement, String what) {
        Duration timeout = settings.writeTimeout();
        try {
            if (!inFlight.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                writes.fail(new StoreUnavailableException("cannot write " + what + ": all "
                        + settings.maxRequestsInFlight() + " request slots still busy after " + timeout.toMillis()
                        + " ms (" + StoreSettings.WRITE_TIMEOUT + ")", null));
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writes.fail(new StoreUnavailableException("interrupted writing " + what, e));
            return;
        }
        writes.sent();
        CompletionStage<AsyncResultSet> write;
        try {
            // The driver's own timeout frees the slot of a row Cassandra never answers.
            write = session.executeAsync(statement.setConsistencyLevel(settings.consistency()).setIdempotent(true)
                    .setTimeout(timeout));
        } catch (RuntimeException e) {
            inFlight.release();
            writes.completed(StoreUnavailableException.because("cannot write " + what, e));
            return;
        }
        write.whenComplete((result, error) -> {
            inFlight.release();
            if (error == null) {
                writes.completed(null);
            } else if (error instanceof DriverTimeoutException) {
                writes.completed(new StoreUnavailableException("cannot write " + what + ": Cassandra did not answer "
                        + "within " + timeout.toMillis() + " ms (" + StoreSettings.WRITE_TIMEOUT + ")", error));
            } else {
                writes.completed(StoreUnavailableException.because("cannot write " + what, error));
            }
        });
    }

    /**
     * The row, read at the configured consistency and, when that read fails, from one replica: tag rows are
     * written once and never changed, so a replica that holds the row holds the right one. A quorum read can
     * fail while a quorum is up: for the ~20 s before its peers judge a node killed -9 dead, a coordinator still
     * asks it for its half of the quorum and waits (the node-loss test saw both clicks of one copy answered
     * 503 that way, through both trackers). A replica that does not hold the row proves nothing (the write
     * may have reached the others only), so that is still "unavailable", never "not found".
     */
    private Row readOne(BoundStatement read, String what) {
        try {
            return session.execute(read).one();
        } catch (DriverException e) {
            if (oneReplica.isEmpty() || e instanceof QueryValidationException) {
                throw new StoreUnavailableException("cannot read " + what + ": " + e.getMessage(), e);
            }
            return readOneReplica(read, oneReplica.get(), what, e);
        }
    }

    private Row readOneReplica(BoundStatement read, DefaultConsistencyLevel single, String what,
            DriverException quorumFailure) {
        String why = settings.consistency() + " failed (" + quorumFailure.getMessage() + ")";
        Row row;
        try {
            row = session.execute(read.setConsistencyLevel(single)).one();
        } catch (DriverException e) {
            StoreUnavailableException failure = new StoreUnavailableException("cannot read " + what + ": " + why
                    + ", and " + single + " failed too (" + e.getMessage() + ")", e);
            failure.addSuppressed(quorumFailure);
            throw failure;
        }
        if (row == null) {
            throw new StoreUnavailableException("cannot read " + what + ": " + why + ", and the replica read at "
                    + single + " does not hold it", quorumFailure);
        }
        ONE_REPLICA_READS.warn("read {} from one replica ({}): {}", what, single, why);
        return row;
    }

    /** The consistency that reads one replica, if {@code wanted} asks for more than one. */
    static Optional<DefaultConsistencyLevel> oneReplicaOf(DefaultConsistencyLevel wanted) {
        return switch (wanted) {
            case ONE, LOCAL_ONE, ANY -> Optional.empty();
            case LOCAL_QUORUM, LOCAL_SERIAL -> Optional.of(DefaultConsistencyLevel.LOCAL_ONE);
            default -> Optional.of(DefaultConsistencyLevel.ONE);
        };
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
