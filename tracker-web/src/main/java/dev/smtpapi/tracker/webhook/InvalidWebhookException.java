package dev.smtpapi.tracker.webhook;

/** A webhook definition that cannot be accepted; {@link #param()} names the field at fault. */
public final class InvalidWebhookException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String param;

    public InvalidWebhookException(String param, String problem) {
        super(problem);
        this.param = param;
    }

    public String param() {
        return param;
    }
}
