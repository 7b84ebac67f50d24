package dev.smtpapi.e2e;

import dev.smtpapi.testsupport.TestMessages;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Sends mail into James over SMTP with Jakarta Mail, the way an application injecting campaign mail would.
 * Messages come from {@code .eml} files under {@code src/test/resources/mail}, with {@code {{NAME}}}
 * placeholders filled in (a unique subject per test run, for one).
 */
final class Outbox {
    private final Session session;

    Outbox(Stack stack) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(stack.smtpPort()));
        properties.put("mail.smtp.localhost", "e2e.demo.local");
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "30000");
        this.session = Session.getInstance(properties);
    }

    /** Reads {@code mail/<name>} from the test resources and replaces each {@code {{KEY}}}. */
    MimeMessage message(String name, Map<String, String> placeholders) {
        String text = new String(TestMessages.resource(name), StandardCharsets.UTF_8);
        for (Map.Entry<String, String> entry : placeholders.entrySet()) {
            text = text.replace("{{" + entry.getKey() + "}}", entry.getValue());
        }
        // Resources are stored with LF line ends; SMTP wants CRLF.
        text = TestMessages.crlf(text);
        try {
            return new MimeMessage(session, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        } catch (MessagingException e) {
            throw new IllegalArgumentException("mail/" + name + " does not parse: " + e.getMessage(), e);
        }
    }

    /** A message made of exactly these bytes (CRLF line ends), to be sent as they are. */
    MimeMessage message(byte[] bytes) {
        try {
            return new MimeMessage(session, new ByteArrayInputStream(bytes));
        } catch (MessagingException e) {
            throw new IllegalArgumentException("message does not parse: " + e.getMessage(), e);
        }
    }

    /**
     * Sends every message, each to its own recipient, from {@code envelopeFrom}, over one SMTP connection (one
     * transaction per message), as a campaign sender does.
     */
    void sendAll(List<MimeMessage> messages, String envelopeFrom, List<String> envelopeTo) throws MessagingException {
        if (messages.size() != envelopeTo.size()) {
            throw new IllegalArgumentException(messages.size() + " messages for " + envelopeTo.size() + " recipients");
        }
        session.getProperties().put("mail.smtp.from", envelopeFrom);
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            for (int i = 0; i < messages.size(); i++) {
                transport.sendMessage(messages.get(i), new Address[] {new InternetAddress(envelopeTo.get(i))});
            }
        }
    }

    /** Sends with the given envelope sender and recipients (the headers are left as the file has them). */
    void send(MimeMessage message, String envelopeFrom, List<String> envelopeTo) throws MessagingException {
        session.getProperties().put("mail.smtp.from", envelopeFrom);
        Address[] recipients = new Address[envelopeTo.size()];
        for (int i = 0; i < recipients.length; i++) {
            recipients[i] = new InternetAddress(envelopeTo.get(i));
        }
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, recipients);
        }
    }
}
