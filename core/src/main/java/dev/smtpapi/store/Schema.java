package dev.smtpapi.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tag-storage schema. Its one source is {@code schema.cql}, shipped in the jar (and the repository) for
 * operators who create schemas themselves; on start the same statements run with the configured keyspace
 * name and replication.
 *
 * <p>Tables by owner, each a block of its own in the file: tag storage ({@code messages}, {@code recipients}),
 * the tracker's events ({@code engagement_events}), webhooks ({@code webhooks}, {@code webhook_batches}, added
 * at the end; every statement of the file runs here, so a new block needs no code).
 */
public final class Schema {
    public static final String RESOURCE = "/dev/smtpapi/store/schema.cql";
    /** The keyspace name as the shipped file spells it. */
    public static final String SHIPPED_KEYSPACE = "smtpapi";

    private static final Pattern REPLICATION = Pattern.compile("replication\\s*=\\s*\\{[^}]*\\}");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("\\b" + SHIPPED_KEYSPACE + "\\.");
    private static final Pattern KEYSPACE_STATEMENT =
            Pattern.compile("(CREATE KEYSPACE IF NOT EXISTS )" + SHIPPED_KEYSPACE + "\\b");
    private static final Duration SCHEMA_TIMEOUT = Duration.ofSeconds(60);

    private Schema() {
    }

    /** The shipped file's text. */
    public static String shippedCql() {
        try (InputStream in = Schema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a CQL script into statements: comments dropped, one statement per ';'. */
    public static List<String> statements(String cql) {
        StringBuilder withoutComments = new StringBuilder();
        for (String line : cql.split("\n")) {
            int comment = line.indexOf("--");
            withoutComments.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        ImmutableList.Builder<String> statements = ImmutableList.builder();
        for (String statement : withoutComments.toString().split(";")) {
            String trimmed = statement.strip();
            if (!trimmed.isEmpty()) {
                statements.add(trimmed);
            }
        }
        return statements.build();
    }

    /** The shipped statements for the given keyspace name and replication. */
    public static List<String> statementsFor(String keyspace, Replication replication) {
        ImmutableList.Builder<String> statements = ImmutableList.builder();
        for (String statement : statements(shippedCql())) {
            String adjusted = statement;
            if (KEYSPACE_STATEMENT.matcher(adjusted).find()) {
                adjusted = KEYSPACE_STATEMENT.matcher(adjusted).replaceFirst("$1" + keyspace);
                adjusted = REPLICATION.matcher(adjusted).replaceFirst(
                        Matcher.quoteReplacement("replication = " + replication.toCql()));
            }
            adjusted = QUALIFIED_NAME.matcher(adjusted).replaceAll(Matcher.quoteReplacement(keyspace + "."));
            statements.add(adjusted);
        }
        return statements.build();
    }

    /** Creates whatever is missing; existing tables are left as they are. */
    public static void create(CqlSession session, String keyspace, Replication replication) {
        for (String statement : statementsFor(keyspace, replication)) {
            session.execute(SimpleStatement.newInstance(statement).setTimeout(SCHEMA_TIMEOUT));
        }
        session.checkSchemaAgreement();
    }

    // Report page (issue 12): the per-campaign counter of copies sent, written by CampaignCounters. It is the
    // last block of schema.cql, so create() makes it with the rest.
    /** The table of copies sent per campaign and hour. */
    public static final String CAMPAIGN_COPIES_TABLE = "campaign_copies";
}
