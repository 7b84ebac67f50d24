package org.apache.james.transport.mailets;

import jakarta.inject.Inject;

import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;

/**
 * Stand-in for James's {@code RemoteDelivery}: what would be relayed (to the gateway or by MX) goes to
 * {@link #REPOSITORY}. Its SMTP parameters (gateway, delays, ...) are accepted and ignored.
 */
public class RemoteDelivery extends RepositoryStandIn {
    public static final MailRepositoryUrl REPOSITORY = MailRepositoryUrl.from("memory://var/mail/remote-delivery/");

    @Inject
    public RemoteDelivery(MailRepositoryStore repositoryStore) {
        super(repositoryStore);
    }

    @Override
    MailRepositoryUrl repositoryUrl() {
        return REPOSITORY;
    }
}
