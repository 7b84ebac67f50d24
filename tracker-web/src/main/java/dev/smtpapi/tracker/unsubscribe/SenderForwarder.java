package dev.smtpapi.tracker.unsubscribe;

import dev.smtpapi.config.InvalidOptionException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a recorded one-click unsubscribe on to the sender's own {@code List-Unsubscribe} https URL, as a
 * mailbox provider would have (RFC 8058: a POST with the form body {@code List-Unsubscribe=One-Click}, no
 * cookies, redirects not followed). In the background, after the unsubscribe is stored: the person never
 * waits on the sender's server. A failed attempt (no answer within the timeout, or a 5xx or 429) is retried
 * a few times; a 4xx is final. Every attempt is logged with the URL's host and path only, since its query
 * often identifies the recipient.
 */
public final class SenderForwarder implements AutoCloseable {
    static final String BODY = "List-Unsubscribe=One-Click";
    private static final Logger LOG = LoggerFactory.getLogger(SenderForwarder.class);
    private static final long[] DELAYS_SECONDS = {2, 10, 30, 60, 120, 300, 600, 900, 1800};

    private final ForwardingSettings settings;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;

    public SenderForwarder(ForwardingSettings settings) {
        this.settings = settings;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout());
        settings.trustedCertificate().ifPresent(file -> builder.sslContext(trusting(file.toString())));
        this.http = builder.build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "smtpapi-unsubscribe-forward");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Queues the forwarding of one unsubscribe; {@code what} names it in the log (message and recipient). */
    public void forward(URI senderUrl, String what) {
        if (!"https".equalsIgnoreCase(senderUrl.getScheme())) {
            LOG.warn("unsubscribe of {} not forwarded: {} is not an https URL", what, shown(senderUrl));
            return;
        }
        scheduler.execute(() -> attempt(senderUrl, what, 1));
    }

    private void attempt(URI url, String what, int attempt) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(settings.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", "smtpapi-tracker (RFC 8058 one-click unsubscribe)")
                .POST(HttpRequest.BodyPublishers.ofString(BODY))
                .build();
        String outcome;
        boolean retry;
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status < 400) {
                LOG.info("unsubscribe of {} forwarded to {}: HTTP {} (attempt {})", what, shown(url), status, attempt);
                return;
            }
            outcome = "HTTP " + status;
            retry = status >= 500 || status == 429;
        } catch (IOException e) {
            outcome = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            retry = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (retry && attempt < settings.attempts() && !scheduler.isShutdown()) {
            long delay = DELAYS_SECONDS[Math.min(attempt - 1, DELAYS_SECONDS.length - 1)];
            LOG.warn("unsubscribe of {} not yet forwarded to {}: {} (attempt {} of {}, next in {} s)", what,
                    shown(url), outcome, attempt, settings.attempts(), delay);
            scheduler.schedule(() -> attempt(url, what, attempt + 1), delay, TimeUnit.SECONDS);
        } else {
            LOG.error("unsubscribe of {} NOT forwarded to {}: {} (attempt {} of {}, giving up); it is on our "
                    + "suppression list all the same", what, shown(url), outcome, attempt, settings.attempts());
        }
    }

    /** Scheme, host, port and path: never the query, which often identifies the recipient. */
    static String shown(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    private static SSLContext trusting(String pemFile) {
        try (InputStream in = Files.newInputStream(java.nio.file.Path.of(pemFile))) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("trusted-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidOptionException(ForwardingSettings.TRUSTED_CERTIFICATE, "cannot read a PEM certificate "
                    + "from '" + pemFile + "': " + e.getMessage());
        }
    }

    /** Stops forwarding; attempts still waiting are dropped (and were logged as queued). */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    Duration timeout() {
        return settings.timeout();
    }
}
