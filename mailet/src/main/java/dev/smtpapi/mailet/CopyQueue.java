package dev.smtpapi.mailet;

import jakarta.mail.MessagingException;
import java.util.Optional;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;

/**
 * How a tracked copy goes back to James: to the start of the processor its original was in, judged there as
 * the original was. Above all, a copy must not look "sent by a mailet" when its original did not: James's
 * {@code SentByMailet} matcher (part of the usual relay rule) would then relay a copy whose original was refused.
 */
interface CopyQueue {
    /**
     * Set on copies of a mail that James had not marked "sent by mailet", when queued through
     * {@link MailetContext#sendMail} (which marks every mail it queues); see {@link #fromMailetContext}.
     */
    AttributeName NOT_SENT_BY_MAILET = AttributeName.of("dev.smtpapi.not_sent_by_mailet");

    /** Queues {@code copy} for {@code processor}. The caller still owns (and disposes) {@code copy}. */
    void enqueue(Mail copy, String processor) throws MessagingException;

    /**
     * Straight into James's spool, as {@code MailetContext.sendMail} does, but without marking the copy "sent by
     * mailet": it carries exactly the attributes of its original, so every matcher of every later step judges it
     * as it judged the original, whatever the matcher of the mailet's own entry.
     */
    static CopyQueue spool(MailQueueFactory<?> queues) {
        MailQueue spool = queues.getQueue(MailQueueFactory.SPOOL)
                .map(MailQueue.class::cast)
                .orElseGet(() -> queues.createQueue(MailQueueFactory.SPOOL));
        return (copy, processor) -> {
            copy.setState(processor);
            spool.enQueue(copy);
        };
    }

    /**
     * Through {@link MailetContext#sendMail}, for a mailet container without James's mail queues (tests, other
     * containers). {@code sendMail} marks the copy "sent by mailet"; a copy whose original was not so marked gets
     * {@link #NOT_SENT_BY_MAILET} as well, and the mailet takes both off when the copy comes back to it
     * ({@link #judgedAsItsOriginal}). That only works when the copy does reach the mailet again, so inside James
     * the {@link #spool} is used.
     */
    static CopyQueue fromMailetContext(MailetContext context) {
        return (copy, processor) -> {
            if (copy.getAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE.getName()).isEmpty()) {
                copy.setAttribute(new Attribute(NOT_SENT_BY_MAILET, AttributeValue.of(true)));
            }
            context.sendMail(copy, processor);
        };
    }

    /** Takes off a copy the "sent by mailet" mark that {@link #fromMailetContext} could not avoid. */
    static void judgedAsItsOriginal(Mail copy) {
        Optional<Attribute> notSentByMailet = copy.removeAttribute(NOT_SENT_BY_MAILET);
        if (notSentByMailet.isPresent()) {
            copy.removeAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE.getName());
        }
    }
}
