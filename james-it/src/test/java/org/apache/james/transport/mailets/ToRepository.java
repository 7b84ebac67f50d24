package org.apache.james.transport.mailets;

import jakarta.inject.Inject;
import jakarta.mail.MessagingException;

import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;

/** Stand-in for James's {@code ToRepository}: stores the mail in {@code repositoryPath}, as the real one does. */
public class ToRepository extends RepositoryStandIn {
    @Inject
    public ToRepository(MailRepositoryStore repositoryStore) {
        super(repositoryStore);
    }

    @Override
    MailRepositoryUrl repositoryUrl() throws MessagingException {
        return getInitParameterAsOptional("repositoryPath")
            .map(MailRepositoryUrl::from)
            .orElseThrow(() -> new MessagingException("ToRepository needs a repositoryPath"));
    }
}
