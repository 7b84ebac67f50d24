package org.apache.james.transport.mailets;

import jakarta.mail.MessagingException;

import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Stores every mail it gets in one mail repository and ends its processing, as a final delivery would.
 * Subclasses say which repository.
 */
abstract class RepositoryStandIn extends GenericMailet {
    private final MailRepositoryStore repositoryStore;
    private MailRepository repository;
    private boolean passThrough;

    RepositoryStandIn(MailRepositoryStore repositoryStore) {
        this.repositoryStore = repositoryStore;
    }

    /** The repository this mailet stores into, read once at {@link #init()}. */
    abstract MailRepositoryUrl repositoryUrl() throws MessagingException;

    @Override
    public void init() throws MessagingException {
        MailRepositoryUrl url = repositoryUrl();
        try {
            repository = repositoryStore.select(url);
        } catch (MailRepositoryStore.MailRepositoryStoreException e) {
            throw new MessagingException("Cannot open the mail repository " + url.asString(), e);
        }
        passThrough = getInitParameter("passThrough", false);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        repository.store(mail);
        if (!passThrough) {
            mail.setState(Mail.GHOST);
        }
    }
}
