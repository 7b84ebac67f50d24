package dev.smtpapi.tracker.api;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Every path under {@code /api/} that no API serves: a 404 in SparkPost's error shape. */
public final class ApiNotFoundServlet extends HttpServlet {
    public static final String MAPPING = "/api/*";
    private static final long serialVersionUID = 1L;

    private final transient ApiResponses responses;

    public ApiNotFoundServlet(ApiResponses responses) {
        this.responses = responses;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        responses.notFound(response);
    }
}
