package dev.smtpapi.tracker.unsubscribe;

import dev.smtpapi.config.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * How the tracker passes a one-click unsubscribe on to the sender's own https URL.
 *
 * @param timeout {@value #TIMEOUT_SECONDS}: per attempt, connecting and answering together
 * @param attempts {@value #ATTEMPTS}: attempts in all, the later ones after 2 s, 10 s, 30 s...
 * @param trustedCertificate {@value #TRUSTED_CERTIFICATE}: for tests only, a PEM certificate that replaces
 *     the JDK's trusted authorities, so a local server with a self-signed certificate can be the sender
 */
public record ForwardingSettings(Duration timeout, int attempts, Optional<Path> trustedCertificate) {
    public static final String TIMEOUT_SECONDS = "unsubscribe_forward_timeout_seconds";
    public static final String ATTEMPTS = "unsubscribe_forward_attempts";
    public static final String TRUSTED_CERTIFICATE = "unsubscribe_forward_test_trusted_certificate";
    public static final Set<String> NAMES = Set.of(TIMEOUT_SECONDS, ATTEMPTS, TRUSTED_CERTIFICATE);

    public static ForwardingSettings from(Options options) {
        return new ForwardingSettings(Duration.ofSeconds(options.integer(TIMEOUT_SECONDS, 10, 1, 120)),
                options.integer(ATTEMPTS, 3, 1, 10), options.readableFile(TRUSTED_CERTIFICATE));
    }
}
