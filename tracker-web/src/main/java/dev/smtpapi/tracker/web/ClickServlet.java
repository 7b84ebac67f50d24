package dev.smtpapi.tracker.web;

import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.store.Resolution;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.store.ThrottledWarning;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TokenKind;
import dev.smtpapi.token.TrackingToken;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /f/{sublink}/{token}}: a followed link. The token is verified before anything is looked up, so a
 * forged or mangled one costs no Cassandra read; a verified one redirects to the target recorded for it and
 * records a {@code click} (or {@code link_unsubscribe}). The sublink only names the link for people reading
 * the URL; the token alone decides where it goes.
 */
final class ClickServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final ThrottledWarning WARNING =
            new ThrottledWarning(LoggerFactory.getLogger(ClickServlet.class), 5);

    private final transient TokenCodec codec;
    private final transient TokenLookup lookup;
    private final transient EngagementRecorder recorder;
    private final int retryAfterSeconds;
    private final transient Counter redirected;
    private final transient Counter notFound;
    private final transient Counter unavailable;

    ClickServlet(TokenCodec codec, TokenLookup lookup, EngagementRecorder recorder, int retryAfterSeconds,
            MeterRegistry registry) {
        this.codec = codec;
        this.lookup = lookup;
        this.recorder = recorder;
        this.retryAfterSeconds = retryAfterSeconds;
        this.redirected = Counter.builder("smtpapi.tracker.clicks").tag("outcome", "redirected")
                .description("Click requests by outcome").register(registry);
        this.notFound = Counter.builder("smtpapi.tracker.clicks").tag("outcome", "not_found")
                .description("Click requests by outcome").register(registry);
        this.unavailable = Counter.builder("smtpapi.tracker.clicks").tag("outcome", "unavailable")
                .description("Click requests by outcome").register(registry);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        follow(request, response, false);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        follow(request, response, true);
    }

    private void follow(HttpServletRequest request, HttpServletResponse response, boolean isHead) throws IOException {
        Optional<TrackingToken> token = tokenOf(request.getPathInfo())
                .flatMap(text -> codec.decode(text))
                .filter(t -> t.kind() == TokenKind.CLICK);
        if (token.isEmpty()) {
            notFound.increment();
            Responses.notFound(response, !isHead);
            return;
        }
        Optional<Resolution> resolution;
        try {
            resolution = lookup.resolve(token.get());
        } catch (StoreUnavailableException e) {
            unavailable.increment();
            WARNING.warn("click on link {} of message {} (recipient {}) answered 503, no event: {}",
                    token.get().linkIndex().getAsInt(), token.get().messageKey(), token.get().recipientIndex(),
                    e.getMessage());
            Responses.unavailable(response, retryAfterSeconds, !isHead);
            return;
        }
        Optional<LinkRecord> link = resolution.flatMap(Resolution::link);
        if (link.isEmpty()) {
            notFound.increment();
            Responses.notFound(response, !isHead);
            return;
        }
        redirected.increment();
        // On disk before answering: whoever sees the redirect can count on the event (issue 9).
        String target = link.get().targetUrl();
        AnswerWhenRecorded.answer(request, response, recorder.record(request, resolution.get(), isHead),
                answer -> Responses.redirect(answer, target));
    }

    /** The token of {@code /{sublink}/{token}}: exactly two non-empty segments. */
    static Optional<String> tokenOf(String pathInfo) {
        if (pathInfo == null || !pathInfo.startsWith("/")) {
            return Optional.empty();
        }
        int slash = pathInfo.indexOf('/', 1);
        if (slash <= 1 || slash == pathInfo.length() - 1 || pathInfo.indexOf('/', slash + 1) >= 0) {
            return Optional.empty();
        }
        return Optional.of(pathInfo.substring(slash + 1));
    }
}
