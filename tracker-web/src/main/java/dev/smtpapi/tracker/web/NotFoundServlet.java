package dev.smtpapi.tracker.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Every other path: the same fixed 404 page, never the container's (which may repeat the URL). */
final class NotFoundServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Responses.notFound(response, !"HEAD".equals(request.getMethod()));
    }
}
