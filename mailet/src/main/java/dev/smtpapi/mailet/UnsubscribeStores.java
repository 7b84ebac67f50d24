package dev.smtpapi.mailet;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.suppression.CassandraSuppressionList;
import dev.smtpapi.suppression.SenderUnsubscribeUrls;
import dev.smtpapi.suppression.SuppressionList;

/**
 * The suppression list and the senders' unsubscribe URLs over the mailet's one Cassandra session, made when the
 * session first exists (it connects in the background). Thread-safe.
 */
final class UnsubscribeStores {
    private final StoreConnection connection;
    private final StoreSettings settings;
    private CqlSession session;
    private SuppressionList suppressionList;
    private SenderUnsubscribeUrls senderUrls;

    UnsubscribeStores(StoreConnection connection, StoreSettings settings) {
        this.connection = connection;
        this.settings = settings;
    }

    /** @throws StoreUnavailableException when Cassandra cannot be reached */
    synchronized SuppressionList suppressionList() {
        open();
        return suppressionList;
    }

    /** @throws StoreUnavailableException when Cassandra cannot be reached */
    synchronized SenderUnsubscribeUrls senderUrls() {
        open();
        return senderUrls;
    }

    private void open() {
        CqlSession current = connection.session();
        if (current == null) {
            throw new StoreUnavailableException("no Cassandra session for the suppression list", null);
        }
        if (current == session) {
            return;
        }
        try {
            suppressionList = CassandraSuppressionList.create(current, settings);
            senderUrls = SenderUnsubscribeUrls.create(current, settings);
            session = current;
        } catch (DriverException e) {
            throw StoreUnavailableException.because("cannot prepare the suppression list statements", e);
        }
    }
}
