package dev.smtpapi.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.smtpapi.testsupport.LocalCassandra;
import dev.smtpapi.token.TrackingToken;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A Cassandra that stops answering in the middle of a session (a proxy that freezes): a write gives up after
 * {@code cassandra_write_timeout} instead of holding its caller, and works again once Cassandra answers.
 */
class WriteTimeoutTest {

    @Test
    void aWriteThatCassandraNeverAcknowledgesFailsNamingTheTimeoutAndTheNextOneWorksOnceItAnswersAgain()
            throws Exception {
        try (FreezableProxy proxy = FreezableProxy.to(LocalCassandra.host(), LocalCassandra.port())) {
            StoreSettings settings = StoreSettings.builder().contactPoint("127.0.0.1", proxy.port())
                    .keyspace(LocalCassandra.freshKeyspace("write_timeout")).writeTimeout(Duration.ofMillis(500))
                    .build();
            try (CqlSession session = CassandraConnector.connect(settings)) {
                CassandraTagStore store = CassandraTagStore.create(session, settings);
                try {
                    MessageRecord stuck = TagStoreContract.newsletter(3, Instant.now(), TagStoreContract.LIFETIME);

                    proxy.freeze();

                    assertThatThrownBy(() -> store.writeAll(stuck, TagStoreContract.recipients(stuck.messageKey(), 300)))
                            .isInstanceOf(StoreUnavailableException.class)
                            .hasMessageContaining(stuck.messageKey().toString())
                            .hasMessageContaining("500 ms (cassandra_write_timeout)");

                    proxy.thaw();
                    MessageRecord next = TagStoreContract.newsletter(3, Instant.now(), TagStoreContract.LIFETIME);
                    writeOnceCassandraAnswersAgain(store, next);

                    assertThat(CassandraTagStore.create(session, settings)
                            .resolve(TrackingToken.click(next.messageKey(), 299, 2, next.expiry()))).isPresent();
                } finally {
                    proxy.thaw();
                    LocalCassandra.dropKeyspace(session, settings.keyspace());
                }
            }
        }
    }

    /**
     * Once the proxy passes traffic again, the connection first delivers what was held back; a busy node may
     * need a few attempts of 500 ms before a new write is acknowledged. At most 40 attempts (20 s and more).
     */
    private static void writeOnceCassandraAnswersAgain(CassandraTagStore store, MessageRecord next)
            throws InterruptedException {
        StoreUnavailableException last = null;
        for (int attempt = 0; attempt < 40; attempt++) {
            try {
                store.writeAll(next, TagStoreContract.recipients(next.messageKey(), 300));
                return;
            } catch (StoreUnavailableException e) {
                last = e;
                Thread.sleep(250);
            }
        }
        throw new AssertionError("no write was acknowledged after the proxy thawed", last);
    }
}
