package dev.smtpapi.e2e;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.SubjectTerm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** A user's INBOX read over IMAP with Jakarta Mail, as a mail client would read it. */
final class Mailbox {
    private static final Duration POLL = Duration.ofMillis(500);

    private final Session session;
    private final Stack stack;
    private final String user;

    Mailbox(Stack stack, String user) {
        Properties properties = new Properties();
        properties.put("mail.imap.host", "127.0.0.1");
        properties.put("mail.imap.port", String.valueOf(stack.imapPort()));
        properties.put("mail.imap.connectiontimeout", "10000");
        properties.put("mail.imap.timeout", "10000");
        // One FETCH BODY[] per message rather than 16 KB slices: simpler for the server, as a client reads mail.
        properties.put("mail.imap.partialfetch", "false");
        this.session = Session.getInstance(properties);
        this.stack = stack;
        this.user = user;
    }

    /**
     * Waits until the INBOX holds {@code count} messages whose subject contains {@code subject}, and returns
     * them as delivered (raw bytes, re-parsed, so they outlive the IMAP connection). Fails after the timeout
     * saying how many arrived.
     */
    List<MimeMessage> await(String subject, int count, Duration timeout) throws MessagingException, IOException,
            InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        List<MimeMessage> found = List.of();
        MessagingException lastFailure = null;
        while (true) {
            try {
                found = fetch(subject);
                lastFailure = null;
            } catch (MessagingException e) {
                // A message still being delivered, or a dropped connection: look again, report it if it lasts.
                lastFailure = e;
            }
            if (found.size() >= count || !Instant.now().isBefore(deadline)) {
                break;
            }
            Thread.sleep(POLL.toMillis());
        }
        if (found.size() < count) {
            AssertionError failure = new AssertionError(stack.address(user) + " received " + found.size()
                    + " message(s) with subject '" + subject + "' within " + timeout.toSeconds() + "s, expected "
                    + count);
            if (lastFailure != null) {
                failure.initCause(lastFailure);
            }
            throw failure;
        }
        return found;
    }

    /** The messages now in the INBOX whose subject contains {@code subject}. */
    List<MimeMessage> fetch(String subject) throws MessagingException, IOException {
        try (Store store = session.getStore("imap")) {
            store.connect(stack.address(user), stack.password());
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                List<MimeMessage> messages = new ArrayList<>();
                for (Message message : inbox.search(new SubjectTerm(subject))) {
                    ByteArrayOutputStream raw = new ByteArrayOutputStream();
                    try {
                        message.writeTo(raw);
                    } catch (IOException e) {
                        throw new MessagingException("cannot read a message of " + stack.address(user), e);
                    }
                    messages.add(new MimeMessage(session, new ByteArrayInputStream(raw.toByteArray())));
                }
                return messages;
            } finally {
                inbox.close(false);
            }
        }
    }
}
