package dev.smtpapi.tracker.api;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The API key check in front of everything under {@code /api/*}: a request passes only with the configured key
 * in its {@code Authorization} header, sent as SparkPost's clients send it ({@code Authorization: <key>}) or as
 * {@code Bearer <key>}; any other gets a 401 in SparkPost's error shape. With no key configured, nobody passes.
 * The comparison takes the same time wherever the presented key differs. Every API registered under
 * {@code /api/} is covered by being mapped there; it needs no check of its own.
 */
public final class ApiKeyFilter implements Filter {
    /** The URL pattern this filter is mapped to. */
    public static final String MAPPING = "/api/*";

    private final Optional<byte[]> apiKey;
    private final ApiResponses responses;

    public ApiKeyFilter(Optional<String> apiKey, ApiResponses responses) {
        this.apiKey = apiKey.map(key -> key.getBytes(StandardCharsets.UTF_8));
        this.responses = responses;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (isAuthorized(((HttpServletRequest) request).getHeader("Authorization"))) {
            chain.doFilter(request, response);
        } else {
            responses.unauthorized((HttpServletResponse) response);
        }
    }

    /** Whether this {@code Authorization} header carries the key. */
    boolean isAuthorized(String header) {
        if (apiKey.isEmpty() || header == null) {
            return false;
        }
        String presented = header.strip();
        if (presented.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = presented.substring(7).strip();
        }
        return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), apiKey.get());
    }
}
