package dev.smtpapi.tracker.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forwarding to a real local HTTPS server whose self-signed certificate the forwarder is told to trust. */
class SenderForwarderTest {
    @TempDir
    Path dir;

    @Test
    void theOneClickPostReachesTheSendersHttpsUrlAsAMailboxProviderSendsIt() throws Exception {
        try (SelfSignedSender sender = SelfSignedSender.start(dir);
                SenderForwarder forwarder = new SenderForwarder(new ForwardingSettings(Duration.ofSeconds(5), 3,
                        Optional.of(sender.certificate())))) {
            forwarder.forward(sender.url("/lists/leave?u=8812&t=a1b2c3"), "recipient 0 of message m1");

            SelfSignedSender.Request request = sender.requests.poll(30, TimeUnit.SECONDS);
            assertThat(request).isNotNull();
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/lists/leave?u=8812&t=a1b2c3");
            assertThat(request.contentType()).isEqualTo("application/x-www-form-urlencoded");
            assertThat(request.body()).isEqualTo("List-Unsubscribe=One-Click");
            assertThat(request.cookies()).isEmpty();
        }
    }

    @Test
    void aServerErrorIsRetried() throws Exception {
        try (SelfSignedSender sender = SelfSignedSender.start(dir, 503);
                SenderForwarder forwarder = new SenderForwarder(new ForwardingSettings(Duration.ofSeconds(5), 3,
                        Optional.of(sender.certificate())))) {
            forwarder.forward(sender.url("/leave"), "recipient 1 of message m2");

            assertThat(sender.requests.poll(30, TimeUnit.SECONDS)).as("first attempt").isNotNull();
            SelfSignedSender.Request retry = sender.requests.poll(30, TimeUnit.SECONDS);
            assertThat(retry).as("retry after the 503").isNotNull();
            assertThat(retry.body()).isEqualTo("List-Unsubscribe=One-Click");
        }
    }

    @Test
    void theLogShowsNoQueryOfTheSendersUrl() {
        assertThat(SenderForwarder.shown(java.net.URI.create("https://lists.example.org:8443/leave?u=secret")))
                .isEqualTo("https://lists.example.org:8443/leave");
    }
}
