package org.apache.james.transport.mailets;

import jakarta.inject.Inject;

import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;

/** Stand-in for James's {@code DSNBounce}: records the mail it would bounce in {@link Bounce#REPOSITORY}. */
public class DSNBounce extends RepositoryStandIn {
    @Inject
    public DSNBounce(MailRepositoryStore repositoryStore) {
        super(repositoryStore);
    }

    @Override
    MailRepositoryUrl repositoryUrl() {
        return Bounce.REPOSITORY;
    }
}
