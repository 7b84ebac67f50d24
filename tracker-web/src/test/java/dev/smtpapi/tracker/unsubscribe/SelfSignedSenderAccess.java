package dev.smtpapi.tracker.unsubscribe;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** {@link SelfSignedSender} for tests of other packages. */
public final class SelfSignedSenderAccess implements AutoCloseable {
    private final SelfSignedSender sender;

    private SelfSignedSenderAccess(SelfSignedSender sender) {
        this.sender = sender;
    }

    public static SelfSignedSenderAccess start(Path directory) throws Exception {
        return new SelfSignedSenderAccess(SelfSignedSender.start(directory));
    }

    public URI url(String pathAndQuery) {
        return sender.url(pathAndQuery);
    }

    public Path certificate() {
        return sender.certificate();
    }

    /** The body of the next request, failing when none comes in time. */
    public String awaitBody(Duration timeout) throws InterruptedException {
        SelfSignedSender.Request request = sender.requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (request == null) {
            throw new AssertionError("the sender got no request within " + timeout.toSeconds() + " s");
        }
        return request.body();
    }

    @Override
    public void close() {
        sender.close();
    }
}
