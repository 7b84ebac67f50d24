package dev.smtpapi.tracker.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smtpapi.store.StoreUnavailableException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * How every JSON API of the tracker answers: a body with {@code Cache-Control: no-store}, and errors in
 * SparkPost's shape, {@code {"errors":[{"message":…,"description":…,"param":…}]}} ({@code param} only when one
 * parameter is to blame). Every API servlet and filter writes through this one class, with the application's
 * one {@link ObjectMapper}.
 */
public final class ApiResponses {
    private final ObjectMapper mapper;

    public ApiResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The application's mapper, to build bodies with. */
    public ObjectMapper mapper() {
        return mapper;
    }

    public ObjectNode object() {
        return mapper.createObjectNode();
    }

    /** A 200 with this JSON body. */
    public void ok(HttpServletResponse response, JsonNode body) throws IOException {
        json(response, HttpServletResponse.SC_OK, body);
    }

    /** A JSON body with this status. */
    public void json(HttpServletResponse response, int status, JsonNode body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        mapper.writeValue(response.getOutputStream(), body);
    }

    /** An error in SparkPost's shape; {@code parameter} may be null. */
    public void error(HttpServletResponse response, int status, String message, String description,
            String parameter) throws IOException {
        ObjectNode body = mapper.createObjectNode();
        ObjectNode error = body.putArray("errors").addObject();
        error.put("message", message);
        error.put("description", description);
        if (parameter != null) {
            error.put("param", parameter);
        }
        json(response, status, body);
    }

    /** A 400 naming the parameter that is wrong and why. */
    public void badParameter(HttpServletResponse response, BadParameterException e) throws IOException {
        error(response, HttpServletResponse.SC_BAD_REQUEST, "invalid params", e.getMessage(), e.parameter());
    }

    /** A 401 asking for the API key. */
    public void unauthorized(HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"smtpapi\"");
        error(response, HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized.",
                "a valid API key is needed in the Authorization header", null);
    }

    public void notFound(HttpServletResponse response) throws IOException {
        error(response, HttpServletResponse.SC_NOT_FOUND, "Not found.", "no such endpoint", null);
    }

    /** What an API reads to answer a request; it may reject the request's parameters. */
    @FunctionalInterface
    public interface Read<T> {
        T get() throws BadParameterException, StoreUnavailableException;
    }

    /**
     * The value {@code read} gives, or empty once the error is answered: a 400 naming the bad parameter, or a 503
     * (retry after {@code retryAfterSeconds}) when the event store cannot be read.
     */
    public <T> Optional<T> readEvents(HttpServletResponse response, int retryAfterSeconds, Read<T> read)
            throws IOException {
        try {
            return Optional.of(read.get());
        } catch (BadParameterException e) {
            badParameter(response, e);
        } catch (StoreUnavailableException e) {
            unavailable(response, retryAfterSeconds, "the event store");
        }
        return Optional.empty();
    }

    /** A 503 for when Cassandra cannot be read: the client may try again after {@code retryAfterSeconds}. */
    public void unavailable(HttpServletResponse response, int retryAfterSeconds, String what) throws IOException {
        response.setHeader("Retry-After", Integer.toString(retryAfterSeconds));
        error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Service unavailable.",
                what + " cannot be read right now", null);
    }
}
