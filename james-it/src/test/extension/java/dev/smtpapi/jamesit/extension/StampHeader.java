package dev.smtpapi.jamesit.extension;

import jakarta.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * A trivial extension mailet: adds the header {@code header} with the value {@code value}, then saves the
 * message. Compiled and jarred by the test and loaded by James from {@code extensions-jars/}; it is not on
 * the test classpath.
 */
public class StampHeader extends GenericMailet {
    private String header;
    private String value;

    @Override
    public void init() throws MessagingException {
        header = getInitParameterAsOptional("header")
            .orElseThrow(() -> new MessagingException("StampHeader needs a 'header' init parameter"));
        value = getInitParameterAsOptional("value")
            .orElseThrow(() -> new MessagingException("StampHeader needs a 'value' init parameter"));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        mail.getMessage().addHeader(header, value);
        mail.getMessage().saveChanges();
    }
}
