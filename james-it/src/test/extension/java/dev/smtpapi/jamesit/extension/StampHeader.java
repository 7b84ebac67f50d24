package dev.smtpapi.jamesit.extension;

import jakarta.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * A trivial extension mailet: adds the header {@code header} with the value {@code value}, then saves the
 * message; with {@code save} set to {@code false} it leaves it unsaved, as some mailets do (James 3.8's own
 * header mailets among them), so that whoever writes the message next makes James rebuild it. Compiled and jarred by the test and loaded by James from {@code extensions-jars/}; it is not on
 * the test classpath.
 */
public class StampHeader extends GenericMailet {
    private String header;
    private String value;
    private boolean save;

    @Override
    public void init() throws MessagingException {
        header = getInitParameterAsOptional("header")
            .orElseThrow(() -> new MessagingException("StampHeader needs a 'header' init parameter"));
        value = getInitParameterAsOptional("value")
            .orElseThrow(() -> new MessagingException("StampHeader needs a 'value' init parameter"));
        save = getInitParameter("save", true);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        mail.getMessage().addHeader(header, value);
        if (save) {
            mail.getMessage().saveChanges();
        }
    }
}
