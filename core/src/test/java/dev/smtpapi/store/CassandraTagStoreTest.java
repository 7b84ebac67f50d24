package dev.smtpapi.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.data.TupleValue;
import dev.smtpapi.token.TrackingToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tag-store contract against the real local Cassandra node, plus what only Cassandra has: rows and TTLs. */
class CassandraTagStoreTest extends TagStoreContract {
    private static StoreSettings settings;
    private static CqlSession session;
    private static CassandraTagStore store;

    @BeforeAll
    static void connect() {
        settings = LocalCassandra.settingsWithFreshKeyspace("store_test");
        session = LocalCassandra.connect(settings);
        store = CassandraTagStore.create(session, settings);
    }

    @AfterAll
    static void dropKeyspace() {
        session.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + settings.keyspace())
                .setTimeout(Duration.ofSeconds(60)));
        session.close();
    }

    @Override
    TagStore store() {
        return store;
    }

    @Override
    TagStore reopened() {
        return CassandraTagStore.create(session, settings);
    }

    @Override
    Instant now() {
        return Instant.now();
    }

    @Override
    void passTime(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    @Test
    void aThousandRecipientsAndFiftyLinksWriteOneMessageRowAndOneRowPerRecipientEachWithItsTtl() {
        MessageRecord message = newsletter(50, now(), LIFETIME);

        store.writeAll(message, recipients(message.messageKey(), 1_000));

        Row messageRow = session.execute(SimpleStatement.newInstance("SELECT count(*) AS n, TTL(message_id) AS ttl "
                + "FROM " + settings.keyspace() + ".messages WHERE message_key = ?", message.messageKey())).one();
        assertThat(messageRow.getLong("n")).isEqualTo(1);
        assertThat(messageRow.getInt("ttl")).isBetween((int) LIFETIME.getSeconds() - 120, (int) LIFETIME.getSeconds());

        List<Row> recipientRows = session.execute(SimpleStatement.newInstance("SELECT rcpt_index, "
                + "TTL(raw_rcpt_to) AS ttl FROM " + settings.keyspace() + ".recipients WHERE message_key = ?",
                message.messageKey()).setTimeout(Duration.ofSeconds(30))).all();
        assertThat(recipientRows).hasSize(1_000);
        assertThat(recipientRows).allSatisfy(row -> assertThat(row.getInt("ttl"))
                .isBetween((int) LIFETIME.getSeconds() - 120, (int) LIFETIME.getSeconds()));
    }

    @Test
    void theDataWrittenGrowsAsRecipientsPlusLinksNotTheirProduct() {
        MessageRecord message = newsletter(50, now(), LIFETIME);
        store.writeAll(message, recipients(message.messageKey(), 200));

        long rows = countRows("messages", message.messageKey()) + countRows("recipients", message.messageKey());
        Row stored = session.execute(SimpleStatement.newInstance("SELECT links FROM " + settings.keyspace()
                + ".messages WHERE message_key = ?", message.messageKey())).one();

        assertThat(rows).isEqualTo(1 + 200);
        assertThat(stored.getList("links", TupleValue.class)).hasSize(50);
    }

    @Test
    void aResolvedTokenIsServedFromTheCacheAfterwards() {
        MessageRecord message = newsletter(1, now(), LIFETIME);
        store.writeAll(message, recipients(message.messageKey(), 1));
        TrackingToken click = TrackingToken.click(message.messageKey(), 0, 0, message.expiry());

        assertThat(store.isCached(click)).isFalse();
        store.resolve(click);

        assertThat(store.isCached(click)).isTrue();
    }

    @Test
    void connectingToAnUnreachableClusterFailsAtOnce() {
        StoreSettings nowhere = StoreSettings.builder().contactPoint("127.0.0.1", 1).build();

        assertThatThrownBy(() -> CassandraConnector.connect(nowhere)).isInstanceOf(RuntimeException.class);
    }

    private long countRows(String table, UUID messageKey) {
        return session.execute(SimpleStatement.newInstance("SELECT count(*) AS n FROM " + settings.keyspace() + "."
                + table + " WHERE message_key = ?", messageKey)).one().getLong("n");
    }
}
