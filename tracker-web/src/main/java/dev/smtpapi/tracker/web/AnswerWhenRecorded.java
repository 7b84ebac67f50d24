package dev.smtpapi.tracker.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request once its event is on disk, without holding a request thread while the event log fsyncs:
 * a request whose event is still being written goes asynchronous and is answered by the log's acknowledging
 * thread when the group commit that holds it is done (or has failed: the answer goes out either way, and the
 * log counted what it could not record). A request that recorded nothing is answered at once.
 */
final class AnswerWhenRecorded {
    private static final Logger LOG = LoggerFactory.getLogger(AnswerWhenRecorded.class);

    /** Writes the answer into a response (quickly, without blocking: it may run on the log's thread). */
    @FunctionalInterface
    interface Answer {
        void write(HttpServletResponse response) throws IOException;
    }

    private AnswerWhenRecorded() {
    }

    static void answer(HttpServletRequest request, HttpServletResponse response, CompletableFuture<Boolean> recorded,
            Answer answer) throws IOException {
        if (recorded.isDone()) {
            answer.write(response);
            return;
        }
        AsyncContext async = request.startAsync();
        // No container timeout: the log completes every future within its own confirmation timeout
        // (EventLog.APPEND_TIMEOUT_SECONDS), and a timeout here would schedule and cancel a task per click.
        async.setTimeout(0);
        String path = request.getRequestURI();
        recorded.whenComplete((stored, error) -> {
            if (error != null) {
                LOG.warn("answering a request whose event the log has not confirmed: {}", error.toString());
            }
            try {
                answer.write((HttpServletResponse) async.getResponse());
            } catch (IOException | RuntimeException e) {
                LOG.debug("could not answer {} (the client may have gone): {}", path, e.toString());
            } finally {
                async.complete();
            }
        });
    }
}
