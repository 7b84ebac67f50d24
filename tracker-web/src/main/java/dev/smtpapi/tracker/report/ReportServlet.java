package dev.smtpapi.tracker.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpapi.store.CampaignCounters;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.tracker.api.CampaignMetrics;
import dev.smtpapi.tracker.api.EventPager;
import dev.smtpapi.tracker.api.QueryParameters;
import dev.smtpapi.tracker.event.EventStore;
import dev.smtpapi.tracker.report.ReportAssets.Asset;
import dev.smtpapi.tracker.report.ReportPages.Context;
import dev.smtpapi.tracker.report.ReportSessions.Session;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The campaign report under {@code /report/}: a sign-in form for the events API key, the campaigns of a
 * window, one campaign's page, sign-out, and the page's static files.
 *
 * <p>Security, in one place: the key is only ever accepted in the body of a POST (never in a URL, never
 * logged) and compared in constant time; a signed-in browser holds a random session id in an HttpOnly,
 * {@code SameSite=Strict} cookie (Secure when the request came over HTTPS). Every POST form carries a CSRF
 * token (the sign-in form's is bound to a cookie of its own, the others' to the session) and is refused when
 * the browser says it came from another site. Every answer forbids framing and sniffing, and its
 * Content-Security-Policy allows only this application's own scripts, styles and images.
 */
public final class ReportServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReportServlet.class);

    public static final String MAPPING = "/report/*";
    static final String CSRF_FIELD = "csrf";
    static final String SESSION_COOKIE = "smtpapi_report_session";
    static final String SIGN_IN_COOKIE = "smtpapi_report_sign_in";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final int EVENTS_PER_PAGE = 25;
    private static final int SIGN_IN_COOKIE_SECONDS = 3600;

    private final transient ReportData data;
    private final transient ReportSessions sessions;
    private final transient ReportPages pages;
    private final transient ReportAssets assets;
    private final transient Optional<String> apiKey;
    private final transient Supplier<Instant> settled;
    private final int retryAfterSeconds;

    ReportServlet(ReportData data, ReportSessions sessions, ReportPages pages, ReportAssets assets,
            Optional<String> apiKey, Supplier<Instant> settled, int retryAfterSeconds) {
        this.data = Objects.requireNonNull(data, "data");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.pages = Objects.requireNonNull(pages, "pages");
        this.assets = Objects.requireNonNull(assets, "assets");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.settled = Objects.requireNonNull(settled, "settled");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * The report over an event store and campaign counters, signed in with {@code apiKey}; its windows end at
     * {@code settled} (the time up to which every recorded event is in Cassandra), as the events API's do.
     */
    public static ReportServlet create(EventStore events, CampaignCounters counters, ObjectMapper json,
            Optional<String> apiKey, Clock clock, Supplier<Instant> settled, int retryAfterSeconds) {
        ReportData data = new ReportData(events, new CampaignMetrics(events), new EventPager(events), counters);
        return new ReportServlet(data, new ReportSessions(clock), new ReportPages(json), ReportAssets.load(), apiKey,
                settled, retryAfterSeconds);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        secure(response);
        String path = Optional.ofNullable(request.getPathInfo()).orElse("");
        if (path.isEmpty()) {
            response.sendRedirect(request.getContextPath() + "/report/");
            return;
        }
        if (path.startsWith("/assets/")) {
            asset(path.substring("/assets/".length()), response);
            return;
        }
        Optional<Session> session = sessions.find(cookie(request, SESSION_COOKIE));
        Context context = new Context(request.getContextPath(), session.map(Session::csrfToken));
        if (session.isEmpty()) {
            if (path.equals("/") || path.equals("/campaign")) {
                signInPage(request, response, Optional.empty(), HttpServletResponse.SC_OK);
            } else {
                page(response, HttpServletResponse.SC_NOT_FOUND, pages.problem(context, "Not found", "No such page."));
            }
            return;
        }
        try {
            ReportWindow window = ReportWindow.of(QueryParameters.of(request.getParameterMap()), settled.get());
            if (path.equals("/")) {
                page(response, HttpServletResponse.SC_OK, pages.campaigns(context, window, data.campaigns(window)));
            } else if (path.equals("/campaign")) {
                String campaign = request.getParameter("id");
                if (campaign == null || campaign.isEmpty()) {
                    throw new IllegalArgumentException("which campaign? The id parameter is missing");
                }
                page(response, HttpServletResponse.SC_OK, pages.campaign(context,
                        data.campaign(campaign, window, cursor(request.getParameter("cursor")), EVENTS_PER_PAGE)));
            } else {
                page(response, HttpServletResponse.SC_NOT_FOUND, pages.problem(context, "Not found", "No such page."));
            }
        } catch (IllegalArgumentException e) {
            page(response, HttpServletResponse.SC_BAD_REQUEST, pages.problem(context, "Cannot show that", e.getMessage()));
        } catch (StoreUnavailableException e) {
            LOG.warn("report: the event store cannot be read: {}", e.getMessage());
            response.setHeader("Retry-After", Integer.toString(retryAfterSeconds));
            page(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, pages.problem(context, "Temporarily unavailable",
                    "The event store cannot be read right now. Please try again in a little while."));
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        secure(response);
        request.setCharacterEncoding(StandardCharsets.UTF_8.name());
        String path = Optional.ofNullable(request.getPathInfo()).orElse("");
        Context anonymous = new Context(request.getContextPath(), Optional.empty());
        if (crossSite(request)) {
            page(response, HttpServletResponse.SC_FORBIDDEN, pages.problem(anonymous, "Refused",
                    "This form was sent from another site."));
            return;
        }
        if (path.equals("/sign-in")) {
            signIn(request, response);
        } else if (path.equals("/sign-out")) {
            signOut(request, response);
        } else {
            page(response, HttpServletResponse.SC_NOT_FOUND, pages.problem(anonymous, "Not found", "No such page."));
        }
    }

    private void signIn(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getQueryString() != null) {
            // The key belongs in the form's body only: a URL ends up in logs and histories.
            signInPage(request, response, Optional.of("Send the key with the form, not in the address."),
                    HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        String expected = cookie(request, SIGN_IN_COOKIE);
        if (expected == null || !ReportSessions.sameSecret(expected, request.getParameter(CSRF_FIELD))) {
            LOG.info("report: sign-in refused from {}: missing or stale form token", request.getRemoteAddr());
            signInPage(request, response, Optional.of("The form had expired. Please sign in again."),
                    HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        if (apiKey.isEmpty() || !ReportSessions.sameSecret(apiKey.get(), request.getParameter("api_key"))) {
            LOG.info("report: sign-in refused from {}: wrong API key", request.getRemoteAddr());
            signInPage(request, response, Optional.of("That is not the events API key."),
                    HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }
        Session session = sessions.start();
        LOG.info("report: signed in from {}", request.getRemoteAddr());
        setCookie(request, response, SIGN_IN_COOKIE, "", 0);
        setCookie(request, response, SESSION_COOKIE, session.id(), (int) ReportSessions.LIFETIME.toSeconds());
        seeOther(request, response);
    }

    private void signOut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<Session> session = sessions.find(cookie(request, SESSION_COOKIE));
        if (session.isPresent() && !session.get().acceptsCsrf(request.getParameter(CSRF_FIELD))) {
            page(response, HttpServletResponse.SC_FORBIDDEN, pages.problem(new Context(request.getContextPath(),
                    session.map(Session::csrfToken)), "Refused", "The form had expired. Please try again."));
            return;
        }
        session.ifPresent(sessions::end);
        setCookie(request, response, SESSION_COOKIE, "", 0);
        seeOther(request, response);
    }

    private void signInPage(HttpServletRequest request, HttpServletResponse response, Optional<String> problem,
            int status) throws IOException {
        String token = sessions.newSecret();
        setCookie(request, response, SIGN_IN_COOKIE, token, SIGN_IN_COOKIE_SECONDS);
        page(response, status, pages.signIn(new Context(request.getContextPath(), Optional.empty()), token, problem,
                apiKey.isPresent()));
    }

    private void asset(String name, HttpServletResponse response) throws IOException {
        Optional<Asset> asset = assets.named(name);
        if (asset.isEmpty()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(asset.get().contentType());
        response.setHeader("Cache-Control", "max-age=300");
        response.setContentLength(asset.get().bytes().length);
        response.getOutputStream().write(asset.get().bytes());
    }

    /** Headers every answer of the report carries. */
    private static void secure(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    }

    private static void page(HttpServletResponse response, int status, String html) throws IOException {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/html; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** A browser that says where a form came from (all current ones do) must say it came from here. */
    private static boolean crossSite(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        return site != null && !site.equals("same-origin") && !site.equals("none");
    }

    private static void seeOther(HttpServletRequest request, HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", request.getContextPath() + "/report/");
        response.setContentLength(0);
    }

    private static void setCookie(HttpServletRequest request, HttpServletResponse response, String name, String value,
            int maxAgeSeconds) {
        // Written by hand: the SameSite attribute must reach the browser in every container.
        response.addHeader("Set-Cookie", name + "=" + value + "; Path=" + request.getContextPath() + "/report"
                + "; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict" + (request.isSecure() ? "; Secure" : ""));
    }

    private static String cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        return Arrays.stream(cookies).filter(cookie -> cookie.getName().equals(name)).map(Cookie::getValue)
                .findFirst().orElse(null);
    }

    /** The events API's cursor, passed through: the pager decodes and checks it. */
    private static Optional<String> cursor(String parameter) {
        return Optional.ofNullable(parameter).map(String::strip).filter(value -> !value.isEmpty());
    }
}
