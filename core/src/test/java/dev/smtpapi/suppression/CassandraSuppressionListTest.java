package dev.smtpapi.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.testsupport.LocalCassandra;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against the real Cassandra node of the test run; every test gets a table of its own. */
class CassandraSuppressionListTest extends SuppressionListContract {
    private static StoreSettings settings;
    private static CqlSession session;

    @BeforeAll
    static void connect() {
        settings = StoreSettings.builder().contactPoint(LocalCassandra.host(), LocalCassandra.port())
                .keyspace(LocalCassandra.freshKeyspace("suppression")).build();
        session = CassandraConnector.connect(settings);
    }

    @AfterAll
    static void dropKeyspace() {
        LocalCassandra.dropKeyspace(session, settings.keyspace());
        session.close();
    }

    @Override
    SuppressionList emptyList() {
        session.execute(SimpleStatement.newInstance("TRUNCATE " + settings.keyspace() + ".suppression_list")
                .setTimeout(Duration.ofSeconds(60)));
        return CassandraSuppressionList.create(session, settings);
    }

    @Test
    void aMailToTwoHundredAndFiftyRecipientsIsCheckedInChunksOfAtMostAHundred() {
        SuppressionList list = emptyList();
        List<SuppressedAddress> recipients = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            recipients.add(SuppressedAddress.of("subscriber" + i + "@example.com"));
        }
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        for (int i : new int[] {0, 99, 100, 249}) {
            list.addIfAbsent(SuppressionEntry.of(recipients.get(i), SuppressionType.NON_TRANSACTIONAL,
                    SuppressionSource.LIST_UNSUBSCRIBE, "", now));
        }

        assertThat(list.suppressed(recipients, SuppressionType.NON_TRANSACTIONAL)).containsExactlyInAnyOrder(
                recipients.get(0), recipients.get(99), recipients.get(100), recipients.get(249));
    }

    @Test
    void aSendersUnsubscribeUrlIsKeptPerMessageWithTheLinksLifetime() {
        SenderUnsubscribeUrls urls = SenderUnsubscribeUrls.create(session, settings);
        UUID message = UUID.randomUUID();
        Instant now = Instant.now();

        urls.remember(message, URI.create("https://lists.example.com/unsub?u=42&l=7"), now, now.plusSeconds(3600));

        assertThat(urls.find(message)).contains(URI.create("https://lists.example.com/unsub?u=42&l=7"));
        assertThat(urls.find(UUID.randomUUID())).isEmpty();
        int ttl = session.execute(SimpleStatement.newInstance("SELECT TTL(url) AS ttl FROM " + settings.keyspace()
                + ".unsubscribe_forwards WHERE message_key = ?", message)).one().getInt("ttl");
        assertThat(ttl).isBetween(3500, 3600);
    }

    @Test
    void aClosedSessionIsReportedAsTheStoreBeingUnavailable() {
        CqlSession closed = CassandraConnector.connect(settings);
        SuppressionList list = CassandraSuppressionList.create(closed, settings);
        closed.close();

        assertThatThrownBy(() -> list.suppressed(List.of(SuppressedAddress.of("ivy@example.com")),
                SuppressionType.NON_TRANSACTIONAL)).isInstanceOf(StoreUnavailableException.class);
    }
}
