package org.apache.james.transport.mailets;

import jakarta.inject.Inject;

import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;

/**
 * Stand-in for James's {@code Bounce}: instead of sending a bounce to the sender, it records the mail it
 * would bounce (error message included) in {@link #REPOSITORY}. Honours {@code passThrough} as the real one.
 */
public class Bounce extends RepositoryStandIn {
    public static final MailRepositoryUrl REPOSITORY = MailRepositoryUrl.from("memory://var/mail/bounced/");

    @Inject
    public Bounce(MailRepositoryStore repositoryStore) {
        super(repositoryStore);
    }

    @Override
    MailRepositoryUrl repositoryUrl() {
        return REPOSITORY;
    }
}
