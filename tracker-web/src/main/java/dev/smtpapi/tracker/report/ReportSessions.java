package dev.smtpapi.tracker.report;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in sessions of the report page, kept in memory (a restart signs everyone out). A session is a random
 * 256-bit id, sent only in an HttpOnly, {@code SameSite=Strict} cookie, and carries its own CSRF token for the
 * page's forms. Sessions end at sign-out or {@link #LIFETIME} after sign-in; at most {@link #MAX_SESSIONS}
 * live at once (the oldest go first). Thread-safe.
 */
final class ReportSessions {
    static final Duration LIFETIME = Duration.ofHours(12);
    static final int MAX_SESSIONS = 10_000;

    /** A signed-in browser: its CSRF token and when it expires. */
    record Session(String id, String csrfToken, Instant expires) {
        /** Whether {@code presented} is this session's CSRF token (compared in constant time). */
        boolean acceptsCsrf(String presented) {
            return ReportSessions.sameSecret(csrfToken, presented);
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    ReportSessions(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A fresh random token, 32 bytes in base64url: a session id, a CSRF token. */
    String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Starts a session (always a new id, so a session id planted before sign-in is worthless). */
    Session start() {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(session -> !session.expires().isAfter(now));
            while (sessions.size() >= MAX_SESSIONS) {
                sessions.values().stream().min((a, b) -> a.expires().compareTo(b.expires()))
                        .ifPresent(oldest -> sessions.remove(oldest.id()));
            }
        }
        Session session = new Session(newSecret(), newSecret(), now.plus(LIFETIME));
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session with this id, if any. */
    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        if (!session.expires().isAfter(clock.instant())) {
            sessions.remove(id);
            return Optional.empty();
        }
        return Optional.of(session);
    }

    void end(Session session) {
        sessions.remove(session.id());
    }

    static boolean sameSecret(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }
}
