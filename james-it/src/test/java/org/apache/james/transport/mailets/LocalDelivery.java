package org.apache.james.transport.mailets;

import jakarta.inject.Inject;

import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;

/** Stand-in for James's {@code LocalDelivery}: what would go to local mailboxes goes to {@link #REPOSITORY}. */
public class LocalDelivery extends RepositoryStandIn {
    public static final MailRepositoryUrl REPOSITORY = MailRepositoryUrl.from("memory://var/mail/local-delivery/");

    @Inject
    public LocalDelivery(MailRepositoryStore repositoryStore) {
        super(repositoryStore);
    }

    @Override
    MailRepositoryUrl repositoryUrl() {
        return REPOSITORY;
    }
}
