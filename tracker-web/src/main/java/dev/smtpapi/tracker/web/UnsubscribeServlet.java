package dev.smtpapi.tracker.web;

import dev.smtpapi.store.Resolution;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.suppression.SuppressedAddress;
import dev.smtpapi.suppression.SuppressionType;
import dev.smtpapi.suppression.SuppressionList;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TokenKind;
import dev.smtpapi.token.TrackingToken;
import dev.smtpapi.tracker.unsubscribe.Unsubscriber;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code /u/{token}}, the {@code List-Unsubscribe} URL of one recipient's copy (RFC 8058).
 * <ul>
 * <li>{@code POST} with the form body {@code List-Unsubscribe=One-Click}, as mailbox providers send it (no
 *     cookies, no redirect followed) or as the confirmation page's button does: the recipient goes on the
 *     suppression list and a {@code list_unsubscribe} event is recorded, then {@code 200} with a short page.
 *     A second POST records nothing new and answers the same.</li>
 * <li>{@code GET}: a confirmation page whose button POSTs; it records nothing, since link scanners and
 *     previews fetch every GET.</li>
 * </ul>
 * Tokens that are forged, of another kind or unknown get the same fixed 404 as clicks; when Cassandra cannot
 * answer, a 503 with {@code Retry-After}, so the provider tries again.
 */
final class UnsubscribeServlet extends HttpServlet {
    static final String MAPPING = "/u/*";
    private static final long serialVersionUID = 1L;

    private final transient TokenCodec codec;
    private final transient TokenLookup lookup;
    private final transient SuppressionList suppressionList;
    private final transient Unsubscriber unsubscriber;
    private final transient ClientAddress clientAddress;
    private final int retryAfterSeconds;
    private final transient Counter unsubscribed;
    private final transient Counter repeated;
    private final transient Counter notFound;

    UnsubscribeServlet(TokenCodec codec, TokenLookup lookup, SuppressionList suppressionList,
            Unsubscriber unsubscriber, ClientAddress clientAddress, int retryAfterSeconds, MeterRegistry registry) {
        this.codec = codec;
        this.lookup = lookup;
        this.suppressionList = suppressionList;
        this.unsubscriber = unsubscriber;
        this.clientAddress = clientAddress;
        this.retryAfterSeconds = retryAfterSeconds;
        this.unsubscribed = counter(registry, "unsubscribed");
        this.repeated = counter(registry, "already_unsubscribed");
        this.notFound = counter(registry, "not_found");
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("smtpapi.tracker.unsubscribes").tag("outcome", outcome)
                .description("One-click unsubscribe requests by outcome").register(registry);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<Resolution> resolution = resolve(request, response);
        if (resolution.isEmpty()) {
            return;
        }
        boolean already;
        SuppressedAddress address = SuppressedAddress.of(resolution.get().recipient().rawAddress());
        try {
            already = suppressionList.entries(address).stream()
                    .anyMatch(entry -> entry.type() == SuppressionType.NON_TRANSACTIONAL);
        } catch (StoreUnavailableException e) {
            Responses.unavailable(response, retryAfterSeconds, true);
            return;
        }
        UnsubscribePages.confirm(response, address.value(), request.getContextPath() + "/u/"
                + request.getPathInfo().substring(1), already);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<Resolution> resolution = resolve(request, response);
        if (resolution.isEmpty()) {
            return;
        }
        // RFC 8058: the body is List-Unsubscribe=One-Click (application/x-www-form-urlencoded or multipart).
        if (!"One-Click".equals(request.getParameter("List-Unsubscribe"))) {
            UnsubscribePages.badRequest(response);
            return;
        }
        boolean added;
        try {
            added = unsubscriber.oneClick(resolution.get(), clientAddress.of(request),
                    Optional.ofNullable(request.getHeader("User-Agent")).orElse(""));
        } catch (StoreUnavailableException e) {
            Responses.unavailable(response, retryAfterSeconds, true);
            return;
        }
        (added ? unsubscribed : repeated).increment();
        UnsubscribePages.done(response);
    }

    /** The verified token's data, or empty once the 404 or 503 has been answered. */
    private Optional<Resolution> resolve(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Optional<TrackingToken> token = OpenServlet.tokenOf(request.getPathInfo())
                .flatMap(text -> codec.decode(text))
                .filter(t -> t.kind() == TokenKind.UNSUBSCRIBE);
        Optional<Resolution> resolution = Optional.empty();
        if (token.isPresent()) {
            try {
                resolution = lookup.resolve(token.get());
            } catch (StoreUnavailableException e) {
                Responses.unavailable(response, retryAfterSeconds, true);
                return Optional.empty();
            }
        }
        if (resolution.isEmpty()) {
            notFound.increment();
            Responses.notFound(response, true);
        }
        return resolution;
    }
}
