package dev.smtpapi.suppression;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.store.StoreUnavailableException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The https URL a sender put in its own {@code List-Unsubscribe} header, per tracked message, so that the
 * tracker can pass a one-click unsubscribe on to the sender after recording it. Rows live as long as the
 * message's links ({@code unsubscribe_forwards} table).
 */
public final class SenderUnsubscribeUrls {
    private final CqlSession session;
    private final StoreSettings settings;
    private final PreparedStatement insert;
    private final PreparedStatement select;

    private SenderUnsubscribeUrls(CqlSession session, StoreSettings settings) {
        this.session = Objects.requireNonNull(session, "session");
        this.settings = Objects.requireNonNull(settings, "settings");
        String table = settings.keyspace() + ".unsubscribe_forwards";
        this.insert = session.prepare("INSERT INTO " + table + " (message_key, url) VALUES (?, ?) USING TTL ?");
        this.select = session.prepare("SELECT url FROM " + table + " WHERE message_key = ?");
    }

    public static SenderUnsubscribeUrls create(CqlSession session, StoreSettings settings) {
        return new SenderUnsubscribeUrls(session, settings);
    }

    /** Remembers the sender's URL until {@code expiry}; returns when Cassandra has it. */
    public void remember(UUID messageKey, URI url, Instant now, Instant expiry) {
        long ttl = Math.max(1, Math.min(Duration.between(now, expiry).getSeconds(), Integer.MAX_VALUE));
        try {
            session.execute(insert.bind(messageKey, url.toString(), (int) ttl)
                    .setConsistencyLevel(settings.consistency()).setIdempotent(true));
        } catch (DriverException e) {
            throw StoreUnavailableException.because("cannot write the sender's unsubscribe URL of message "
                    + messageKey, e);
        }
    }

    public Optional<URI> find(UUID messageKey) {
        try {
            Row row = session.execute(select.bind(messageKey).setConsistencyLevel(settings.consistency())).one();
            return row == null ? Optional.empty() : Optional.of(URI.create(row.getString("url")));
        } catch (DriverException e) {
            throw StoreUnavailableException.because("cannot read the sender's unsubscribe URL of message "
                    + messageKey, e);
        }
    }
}
