package dev.smtpapi.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.smtpapi.token.TrackingToken;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against the real local Cassandra node. */
class TrackingStoreTest {
    private static final Duration LIFETIME = Duration.ofDays(365);

    private static StoreSettings settings;
    private static CqlSession session;
    private static TrackingStore store;

    @BeforeAll
    static void connect() {
        settings = LocalCassandra.settingsWithFreshKeyspace("store_test");
        session = LocalCassandra.connect(settings);
        store = TrackingStore.create(session, settings);
    }

    @AfterAll
    static void dropKeyspace() {
        session.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + settings.keyspace())
                .setTimeout(Duration.ofSeconds(60)));
        session.close();
    }

    @Test
    void aThousandRecipientsAndFiftyLinksWriteOneMessageRowAndOneRowPerRecipientEachWithItsTtl() {
        MessageRecord message = newsletter(50);
        List<RecipientRecord> recipients = recipients(message.messageKey(), 1_000);

        store.writeAll(message, recipients);

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
        MessageRecord message = newsletter(50);
        store.writeAll(message, recipients(message.messageKey(), 200));

        long rows = countRows("messages", message.messageKey()) + countRows("recipients", message.messageKey());
        Row stored = session.execute(SimpleStatement.newInstance("SELECT links FROM " + settings.keyspace()
                + ".messages WHERE message_key = ?", message.messageKey())).one();

        assertThat(rows).isEqualTo(1 + 200);
        assertThat(stored.getList("links", com.datastax.oss.driver.api.core.data.TupleValue.class)).hasSize(50);
    }

    @Test
    void readingBackAClickReturnsExactlyWhatWasWritten() {
        MessageRecord message = newsletter(50);
        List<RecipientRecord> recipients = recipients(message.messageKey(), 3);
        store.writeAll(message, recipients);
        TrackingStore coldStore = TrackingStore.create(session, settings);

        Optional<Resolution> click = coldStore.resolve(TrackingToken.click(message.messageKey(), 2, 17, message.expiry()));

        assertThat(click).isPresent();
        assertThat(click.get().message()).isEqualTo(message);
        assertThat(click.get().recipient()).isEqualTo(recipients.get(2));
        assertThat(click.get().recipient().address()).isEqualTo("reader.2@example.com");
        assertThat(click.get().link()).contains(message.links().get(17));
        assertThat(click.get().link().get().targetUrl())
                .isEqualTo("https://shop.example.com/deals?item=17&utm_source=newsletter&q=a%20b#top");
    }

    @Test
    void anOpenResolvesWithoutALinkAndUnknownMessagesRecipientsOrLinksResolveToNothing() {
        MessageRecord message = newsletter(2);
        store.writeAll(message, recipients(message.messageKey(), 1));

        assertThat(store.resolve(TrackingToken.open(message.messageKey(), 0, message.expiry())))
                .hasValueSatisfying(open -> assertThat(open.link()).isEmpty());
        assertThat(store.resolve(TrackingToken.open(UUID.randomUUID(), 0, message.expiry()))).isEmpty();
        assertThat(store.resolve(TrackingToken.open(message.messageKey(), 1, message.expiry()))).isEmpty();
        assertThat(store.resolve(TrackingToken.click(message.messageKey(), 0, 2, message.expiry()))).isEmpty();
    }

    @Test
    void aResolvedTokenIsServedFromTheCacheAfterwards() {
        MessageRecord message = newsletter(1);
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

    static MessageRecord newsletter(int linkCount) {
        List<LinkRecord> links = new ArrayList<>();
        for (int i = 0; i < linkCount; i++) {
            links.add(i % 10 == 9
                    ? LinkRecord.of("https://shop.example.com/unsubscribe?u=" + i, Optional.of("unsubscribe"), true)
                    : LinkRecord.of("https://shop.example.com/deals?item=" + i + "&utm_source=newsletter&q=a%20b#top",
                            Optional.of("deal " + i), false));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return MessageRecord.builder()
                .messageKey(UUID.randomUUID())
                .messageId("<20261127.black-friday.42@mail.shop.example.com>")
                .campaignId(Optional.of("black friday"))
                .metadataJson(Optional.of("{\"user\":\"42\",\"segment\":\"vip\"}"))
                .tags(List.of("promo", "q4"))
                .sentAt(now)
                .expiry(now.plus(LIFETIME))
                .links(links)
                .build();
    }

    static List<RecipientRecord> recipients(UUID messageKey, int count) {
        List<RecipientRecord> recipients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            recipients.add(RecipientRecord.of(messageKey, i, "Reader." + i + "@Example.com"));
        }
        return recipients;
    }
}
