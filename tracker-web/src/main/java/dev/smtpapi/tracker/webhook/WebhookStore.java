package dev.smtpapi.tracker.webhook;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.smtpapi.store.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code webhooks} and {@code webhook_batches} tables: the webhook definitions every tracker node shares,
 * and what happened to each batch. Every failure is a {@link StoreUnavailableException}. Thread-safe.
 */
public final class WebhookStore {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final CqlSession session;
    private final ConsistencyLevel consistency;
    private final WebhookJson json;
    private final PreparedStatement insert;
    private final PreparedStatement selectOne;
    private final PreparedStatement selectAll;
    private final PreparedStatement delete;
    private final PreparedStatement upsertBatch;
    private final PreparedStatement selectBatches;
    private final PreparedStatement deleteBatches;

    public WebhookStore(CqlSession session, String keyspace, ConsistencyLevel consistency, WebhookJson json) {
        this.session = Objects.requireNonNull(session, "session");
        this.consistency = Objects.requireNonNull(consistency, "consistency");
        this.json = Objects.requireNonNull(json, "json");
        this.insert = session.prepare("INSERT INTO " + keyspace + ".webhooks (webhook_id, definition) VALUES (?, ?)");
        this.selectOne = session.prepare("SELECT webhook_id, definition FROM " + keyspace
                + ".webhooks WHERE webhook_id = ?");
        this.selectAll = session.prepare("SELECT webhook_id, definition FROM " + keyspace + ".webhooks");
        this.delete = session.prepare("DELETE FROM " + keyspace + ".webhooks WHERE webhook_id = ?");
        this.upsertBatch = session.prepare("INSERT INTO " + keyspace + ".webhook_batches (webhook_id, batch_id, "
                + "status, attempts, response_code, events, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        this.selectBatches = session.prepare("SELECT batch_id, status, attempts, response_code, events, updated_at "
                + "FROM " + keyspace + ".webhook_batches WHERE webhook_id = ? LIMIT ?");
        this.deleteBatches = session.prepare("DELETE FROM " + keyspace + ".webhook_batches WHERE webhook_id = ?");
    }

    public void save(Webhook webhook) {
        execute("save webhook " + webhook.id(), insert.bind(webhook.id(), json.toStored(webhook)));
    }

    public Optional<Webhook> find(UUID id) {
        Row row = execute("read webhook " + id, selectOne.bind(id)).one();
        return row == null ? Optional.empty() : Optional.of(webhook(row));
    }

    /** Every webhook, in no particular order. */
    public List<Webhook> all() {
        List<Webhook> webhooks = new ArrayList<>();
        for (Row row : execute("read the webhooks", selectAll.bind())) {
            webhooks.add(webhook(row));
        }
        return webhooks;
    }

    /** Deletes the webhook and its batch history; whether it existed. */
    public boolean delete(UUID id) {
        boolean existed = find(id).isPresent();
        execute("delete webhook " + id, delete.bind(id));
        execute("delete the batch history of webhook " + id, deleteBatches.bind(id));
        return existed;
    }

    /** Records where a batch stands after an attempt (or when it is made). */
    public void recordBatch(BatchStatus status) {
        execute("record batch " + status.batchId(), upsertBatch.bind(status.webhookId(), status.batchId(),
                status.state().code(), status.attempts(), status.responseCode(), status.events(), status.updatedAt()));
    }

    /** The newest batches first, at most {@code limit}. */
    public List<BatchStatus> batches(UUID webhookId, int limit) {
        List<BatchStatus> batches = new ArrayList<>();
        for (Row row : execute("read the batches of webhook " + webhookId, selectBatches.bind(webhookId, limit))) {
            batches.add(new BatchStatus(webhookId, row.getUuid("batch_id"),
                    BatchStatus.State.fromCode(row.getString("status")), row.getInt("attempts"),
                    Objects.requireNonNullElse(row.getString("response_code"), "0"), row.getInt("events"),
                    Objects.requireNonNullElse(row.getInstant("updated_at"), Instant.EPOCH)));
        }
        return batches;
    }

    private Webhook webhook(Row row) {
        return json.fromStored(row.getUuid("webhook_id"), row.getString("definition"));
    }

    private ResultSet execute(String what, BoundStatement statement) {
        try {
            return session.execute(statement.setConsistencyLevel(consistency).setTimeout(TIMEOUT));
        } catch (DriverException e) {
            throw StoreUnavailableException.because("cannot " + what, e);
        }
    }
}
