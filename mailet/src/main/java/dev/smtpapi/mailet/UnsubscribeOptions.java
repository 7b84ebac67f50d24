package dev.smtpapi.mailet;

import dev.smtpapi.config.Options;

/**
 * The init parameters of one-click unsubscribe and the suppression list (issue 11), read once in {@code init()}.
 *
 * @param listUnsubscribe {@value #LIST_UNSUBSCRIBE_ENABLED}: every copy of a non-transactional mail gets
 *     {@code List-Unsubscribe} and {@code List-Unsubscribe-Post} headers of its own
 * @param transactional {@value #TRANSACTIONAL}: whether mail is transactional unless its X-MSYS-API header or
 *     its {@code smtpapi_transactional} attribute says otherwise
 * @param suppression {@value #SUPPRESSION_ENABLED}: recipients on the suppression list are taken off mail
 * @param suppressionCacheSize {@value #SUPPRESSION_CACHE_SIZE}: how many suppressed recipients are remembered,
 *     so that a list with many unsubscribed addresses costs no repeated reads for them
 * @param suppressionCacheSeconds {@value #SUPPRESSION_CACHE_SECONDS}: how long they are remembered
 */
public record UnsubscribeOptions(boolean listUnsubscribe, boolean transactional, boolean suppression,
        int suppressionCacheSize, int suppressionCacheSeconds) {
    public static final String LIST_UNSUBSCRIBE_ENABLED = "list_unsubscribe_enabled";
    public static final String TRANSACTIONAL = "transactional";
    public static final String SUPPRESSION_ENABLED = "suppression_enabled";
    public static final String SUPPRESSION_CACHE_SIZE = "suppression_cache_size";
    public static final String SUPPRESSION_CACHE_SECONDS = "suppression_cache_seconds";

    /** Reads and checks the parameters; an {@link dev.smtpapi.config.InvalidOptionException} names a bad one. */
    public static UnsubscribeOptions from(Options options) {
        return new UnsubscribeOptions(
                options.bool(LIST_UNSUBSCRIBE_ENABLED, false),
                options.bool(TRANSACTIONAL, false),
                options.bool(SUPPRESSION_ENABLED, false),
                options.integer(SUPPRESSION_CACHE_SIZE, 100_000, 0, 10_000_000),
                options.integer(SUPPRESSION_CACHE_SECONDS, 600, 0, 86_400));
    }
}
