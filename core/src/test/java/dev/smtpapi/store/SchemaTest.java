package dev.smtpapi.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.smtpapi.testsupport.LocalCassandra;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SchemaTest {

    @Test
    void theShippedCqlFileAndTheSchemaCreatedOnStartAreTheSame() {
        StoreSettings created = localSettings("schema_created");
        StoreSettings shipped = localSettings("schema_shipped");
        try (CqlSession session = CassandraConnector.connect(created)) {
            // The operator's way: the file as shipped, only its keyspace name changed, run statement by statement.
            String operatorsCopy = Schema.shippedCql().replace("smtpapi", shipped.keyspace());
            for (String statement : Schema.statements(operatorsCopy)) {
                session.execute(SimpleStatement.newInstance(statement).setTimeout(Duration.ofSeconds(60)));
            }
            try {
                assertThat(describe(session, created.keyspace())).isEqualTo(describe(session, shipped.keyspace()))
                        .containsKeys("messages.links", "recipients.raw_rcpt_to");
                assertThat(replication(session, created.keyspace())).isEqualTo(replication(session, shipped.keyspace()));
            } finally {
                LocalCassandra.dropKeyspace(session, created.keyspace());
                LocalCassandra.dropKeyspace(session, shipped.keyspace());
            }
        }
    }

    @Test
    void replicationComesFromTheOptionsForOneNodeOrPerDatacenter() {
        assertThat(Replication.parse("SimpleStrategy:1").toCql())
                .isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': 1}");
        assertThat(Replication.parse("NetworkTopologyStrategy:dc1=3,dc2=2").toCql())
                .isEqualTo("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}");
        assertThat(Schema.statementsFor("mail_tracking", Replication.parse("NetworkTopologyStrategy:eu=3")))
                .first().asString()
                .contains("CREATE KEYSPACE IF NOT EXISTS mail_tracking")
                .contains("{'class': 'NetworkTopologyStrategy', 'eu': 3}");
        assertThat(Schema.statementsFor("mail_tracking", Replication.simple(1)))
                .allSatisfy(statement -> assertThat(statement).doesNotContain("smtpapi."));
    }

    /** table.column -> kind, type, clustering order; plus each table's options that matter. */
    private static Map<String, String> describe(CqlSession session, String keyspace) {
        Map<String, String> description = new TreeMap<>();
        for (Row row : session.execute(SimpleStatement.newInstance("SELECT table_name, column_name, kind, type, "
                + "clustering_order, position FROM system_schema.columns WHERE keyspace_name = ?", keyspace))) {
            description.put(row.getString("table_name") + "." + row.getString("column_name"),
                    row.getString("kind") + " " + row.getString("type") + " " + row.getString("clustering_order")
                            + " " + row.getInt("position"));
        }
        for (Row row : session.execute(SimpleStatement.newInstance("SELECT table_name, gc_grace_seconds, "
                + "default_time_to_live, compaction FROM system_schema.tables WHERE keyspace_name = ?", keyspace))) {
            description.put(row.getString("table_name") + ".(options)", row.getInt("gc_grace_seconds") + " "
                    + row.getInt("default_time_to_live") + " " + row.getMap("compaction", String.class, String.class));
        }
        return description;
    }

    private static String replication(CqlSession session, String keyspace) {
        Row row = session.execute(SimpleStatement.newInstance("SELECT replication FROM system_schema.keyspaces "
                + "WHERE keyspace_name = ?", keyspace)).one();
        return new TreeMap<>(row.getMap("replication", String.class, String.class)).toString();
    }

    private static StoreSettings localSettings(String purpose) {
        return StoreSettings.builder().contactPoint(LocalCassandra.host(), LocalCassandra.port())
                .keyspace(LocalCassandra.freshKeyspace(purpose)).build();
    }
}
