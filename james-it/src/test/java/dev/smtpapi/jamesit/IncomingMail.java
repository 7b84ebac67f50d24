package dev.smtpapi.jamesit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Properties;
import java.util.UUID;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;

import dev.smtpapi.testsupport.TestMessages;

/** Mail as James's SMTP server hands it to the spool: a message from {@code src/test/resources/mail/} and an envelope. */
final class IncomingMail {
    private IncomingMail() {
    }

    /** The message in {@code /mail/<resource>}, sent by {@code sender} to {@code recipients} (the envelope, not the headers). */
    static Mail of(String resource, String sender, String... recipients) throws MessagingException, IOException {
        MailImpl.Builder mail = MailImpl.builder()
            // Unique, as James names mail: the mailet's split ledger takes a second mail of one name for a redelivery.
            .name("smtp-" + resource.replace(".eml", "") + "-" + UUID.randomUUID())
            .sender(sender)
            .mimeMessage(message(resource));
        for (String recipient : recipients) {
            mail.addRecipient(recipient);
        }
        return mail.build();
    }

    /** The message in {@code /mail/<resource>}, as it was written. */
    static MimeMessage message(String resource) throws MessagingException {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(TestMessages.resource(resource)));
    }
}
