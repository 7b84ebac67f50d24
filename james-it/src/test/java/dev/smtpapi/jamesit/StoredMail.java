package dev.smtpapi.jamesit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * A mail as a mail repository holds it once James is done with it: envelope, error message and the
 * message as its bytes parse, and those bytes. A detached snapshot, so the test owns nothing James must dispose.
 */
record StoredMail(String name, Optional<MailAddress> sender, List<MailAddress> recipients,
                  Optional<String> errorMessage, MimeMessage message, byte[] bytes) {

    static StoredMail of(Mail mail) throws MessagingException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        mail.getMessage().writeTo(bytes);
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes.toByteArray()));
        return new StoredMail(mail.getName(), mail.getMaybeSender().asOptional(), List.copyOf(mail.getRecipients()),
            Optional.ofNullable(mail.getErrorMessage()), message, bytes.toByteArray());
    }
}
