package dev.smtpapi.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import dev.smtpapi.testsupport.LocalCassandra;
import dev.smtpapi.token.TrackingToken;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A keyspace replicated twice on the one local node: LOCAL_QUORUM (two replicas) can never be met, so every
 * quorum read fails as it does when a quorum's node is dead and not yet known to be; one replica still holds
 * what was written. A click then still resolves, and a row no replica read holds is "unavailable", not "gone".
 */
class QuorumLostReadTest {
    private static final Duration LIFETIME = Duration.ofDays(30);

    private static StoreSettings quorum;
    private static CqlSession session;
    private static CassandraTagStore writer;
    private static CassandraTagStore reader;

    @BeforeAll
    static void aKeyspaceWithMoreReplicasThanNodes() {
        quorum = StoreSettings.builder().contactPoint(LocalCassandra.host(), LocalCassandra.port())
                .keyspace(LocalCassandra.freshKeyspace("quorum_lost")).replication(Replication.simple(2)).build();
        session = CassandraConnector.connect(quorum);
        StoreSettings oneReplica = StoreSettings.builder().contactPoint(LocalCassandra.host(), LocalCassandra.port())
                .keyspace(quorum.keyspace()).replication(Replication.simple(2))
                .consistency(DefaultConsistencyLevel.LOCAL_ONE).build();
        writer = CassandraTagStore.create(session, oneReplica);
        reader = CassandraTagStore.create(session, quorum);
    }

    @AfterAll
    static void dropKeyspace() {
        LocalCassandra.dropKeyspace(session, quorum.keyspace());
        session.close();
    }

    @Test
    void aClickWhoseQuorumCannotAnswerResolvesFromTheReplicaThatHoldsItsRows() {
        MessageRecord message = TagStoreContract.newsletter(3, Instant.now(), LIFETIME);
        writer.writeAll(message, TagStoreContract.recipients(message.messageKey(), 2));

        Optional<Resolution> resolution = reader.resolve(TrackingToken.click(message.messageKey(), 1, 2,
                message.expiry()));

        assertThat(resolution).isPresent();
        assertThat(resolution.get().recipient().rawAddress()).isEqualTo("Reader.1@Example.com");
        assertThat(resolution.get().link()).map(LinkRecord::targetUrl).contains(message.links().get(2).targetUrl());
    }

    @Test
    void aRowTheOneReplicaDoesNotHoldIsUnavailableNeverNotFound() {
        UUID unknown = UUID.randomUUID();
        TrackingToken click = TrackingToken.click(unknown, 0, 0, Instant.now().plus(LIFETIME));

        assertThatThrownBy(() -> reader.resolve(click))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("message " + unknown)
                .hasMessageContaining("LOCAL_QUORUM failed")
                .hasMessageContaining("the replica read at LOCAL_ONE does not hold it");
    }

    @Test
    void onlyConsistenciesAboveOneReplicaFallBack() {
        assertThat(CassandraTagStore.oneReplicaOf(DefaultConsistencyLevel.LOCAL_QUORUM))
                .contains(DefaultConsistencyLevel.LOCAL_ONE);
        assertThat(CassandraTagStore.oneReplicaOf(DefaultConsistencyLevel.QUORUM)).contains(DefaultConsistencyLevel.ONE);
        assertThat(CassandraTagStore.oneReplicaOf(DefaultConsistencyLevel.ALL)).contains(DefaultConsistencyLevel.ONE);
        assertThat(CassandraTagStore.oneReplicaOf(DefaultConsistencyLevel.LOCAL_ONE)).isEmpty();
        assertThat(CassandraTagStore.oneReplicaOf(DefaultConsistencyLevel.ONE)).isEmpty();
    }
}
