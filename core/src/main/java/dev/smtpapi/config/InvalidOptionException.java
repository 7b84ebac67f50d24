package dev.smtpapi.config;

/**
 * A configuration value that cannot be used. The message names the option, what was expected and what was
 * found, except for secrets, whose values are never repeated.
 */
public final class InvalidOptionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String option;

    public InvalidOptionException(String option, String problem) {
        super("invalid option '" + option + "': " + problem);
        this.option = option;
    }

    public String option() {
        return option;
    }
}
