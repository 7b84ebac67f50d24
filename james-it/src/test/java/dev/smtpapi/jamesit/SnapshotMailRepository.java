package dev.smtpapi.jamesit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;

import com.google.common.collect.ImmutableList;

/**
 * A {@code memory://} mail repository that keeps each mail as a file repository would: envelope,
 * attributes and the message's bytes, nothing live. James's {@code MemoryMailRepository} keeps
 * {@code Mail} objects whose message sources are never disposed, so James's leak detector would report the
 * harness itself; with this one, a leak report in the test output points at a mailet.
 */
final class SnapshotMailRepository implements MailRepository {
    private record Snapshot(String name, String state, MaybeSender sender, List<MailAddress> recipients,
                            Optional<String> errorMessage, List<Attribute> attributes,
                            PerRecipientHeaders perRecipientHeaders, byte[] message) {
    }

    private final Map<MailKey, Snapshot> mails = new ConcurrentHashMap<>();

    @Override
    public long size() {
        return mails.size();
    }

    @Override
    public MailKey store(Mail mail) throws MessagingException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        try {
            mail.getMessage().writeTo(message);
        } catch (IOException e) {
            throw new MessagingException("Cannot read the message of " + mail.getName(), e);
        }
        MailKey key = MailKey.forMail(mail);
        mails.put(key, new Snapshot(mail.getName(), mail.getState(), mail.getMaybeSender(),
            ImmutableList.copyOf(mail.getRecipients()), Optional.ofNullable(mail.getErrorMessage()),
            mail.attributes().map(Attribute::duplicate).collect(ImmutableList.toImmutableList()),
            mail.getPerRecipientSpecificHeaders(), message.toByteArray()));
        return key;
    }

    @Override
    public Iterator<MailKey> list() {
        return ImmutableList.copyOf(mails.keySet()).iterator();
    }

    /** A new {@code Mail} the caller owns (and disposes), or null when nothing is stored under {@code key}. */
    @Override
    public Mail retrieve(MailKey key) throws MessagingException {
        Snapshot snapshot = mails.get(key);
        if (snapshot == null) {
            return null;
        }
        return MailImpl.builder()
            .name(snapshot.name())
            .state(snapshot.state())
            .sender(snapshot.sender())
            .addRecipients(snapshot.recipients())
            .errorMessage(snapshot.errorMessage().orElse(null))
            .addAttributes(snapshot.attributes())
            .addAllHeadersForRecipients(snapshot.perRecipientHeaders())
            .mimeMessage(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(snapshot.message())))
            .build();
    }

    @Override
    public void remove(MailKey key) {
        mails.remove(key);
    }

    @Override
    public void removeAll() {
        mails.clear();
    }
}
