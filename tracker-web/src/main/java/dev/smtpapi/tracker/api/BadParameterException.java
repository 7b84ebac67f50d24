package dev.smtpapi.tracker.api;

/** A request parameter the API cannot accept; answered as a 400 naming it ({@link ApiResponses#badParameter}). */
public final class BadParameterException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String parameter;

    public BadParameterException(String parameter, String problem) {
        super(problem);
        this.parameter = parameter;
    }

    /** The parameter's name as the client sent it. */
    public String parameter() {
        return parameter;
    }
}
