package dev.smtpapi.tracker.web;

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
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /q/{token}}: the open pixel. Every request gets the same transparent GIF, whatever the token,
 * so a mail client never shows a broken image; only a verified token whose data tag storage holds records an
 * {@code open} (or {@code initial_open}, for the top pixel).
 */
final class OpenServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final ThrottledWarning WARNING =
            new ThrottledWarning(LoggerFactory.getLogger(OpenServlet.class), 5);

    private final transient TokenCodec codec;
    private final transient TokenLookup lookup;
    private final transient EngagementRecorder recorder;
    private final transient Counter recorded;
    private final transient Counter unknown;
    private final transient Counter unavailable;
    private static final CompletableFuture<Boolean> NOTHING = CompletableFuture.completedFuture(false);

    OpenServlet(TokenCodec codec, TokenLookup lookup, EngagementRecorder recorder, MeterRegistry registry) {
        this.codec = codec;
        this.lookup = lookup;
        this.recorder = recorder;
        this.recorded = Counter.builder("smtpapi.tracker.opens").tag("outcome", "recorded")
                .description("Open requests by outcome").register(registry);
        this.unknown = Counter.builder("smtpapi.tracker.opens").tag("outcome", "not_found")
                .description("Open requests by outcome").register(registry);
        this.unavailable = Counter.builder("smtpapi.tracker.opens").tag("outcome", "unavailable")
                .description("Open requests by outcome").register(registry);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        open(request, response, false);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        open(request, response, true);
    }

    private void open(HttpServletRequest request, HttpServletResponse response, boolean isHead) throws IOException {
        Optional<TrackingToken> token = tokenOf(request.getPathInfo())
                .flatMap(text -> codec.decode(text))
                .filter(t -> t.kind() == TokenKind.OPEN || t.kind() == TokenKind.INITIAL_OPEN);
        Optional<Resolution> resolution = Optional.empty();
        if (token.isPresent()) {
            try {
                resolution = lookup.resolve(token.get());
            } catch (StoreUnavailableException e) {
                unavailable.increment();
                WARNING.warn("open of message {} (recipient {}) answered with the pixel but NOT recorded: {}",
                        token.get().messageKey(), token.get().recipientIndex(), e.getMessage());
            }
        }
        CompletableFuture<Boolean> recording = NOTHING;
        if (resolution.isPresent()) {
            recording = recorder.record(request, resolution.get(), isHead).thenApply(stored -> {
                if (stored) {
                    recorded.increment();
                }
                return stored;
            });
        } else {
            unknown.increment();
        }
        AnswerWhenRecorded.answer(request, response, recording, answer -> Responses.pixel(answer, !isHead));
    }

    /** The token of {@code /{token}}: one non-empty segment. */
    static Optional<String> tokenOf(String pathInfo) {
        if (pathInfo == null || pathInfo.length() < 2 || pathInfo.indexOf('/', 1) >= 0) {
            return Optional.empty();
        }
        return Optional.of(pathInfo.substring(1));
    }
}
