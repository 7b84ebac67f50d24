package dev.smtpapi.tracker.web;

import com.google.common.html.HtmlEscapers;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The two small pages of {@code /u/{token}}: the confirmation a person sees on a GET (its button POSTs, since
 * link scanners fetch every GET) and the answer to the POST. Everything taken from the request or the store is
 * HTML-escaped; nothing is cached, indexed or sent on as a referrer.
 */
final class UnsubscribePages {
    private static final String STYLE = "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;"
            + "padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1.5rem}</style>";

    private UnsubscribePages() {
    }

    static void confirm(HttpServletResponse response, String address, String action, boolean already)
            throws IOException {
        String who = HtmlEscapers.htmlEscaper().escape(address);
        String body = already
                ? "<h1>You are unsubscribed</h1><p><b>" + who + "</b> no longer gets these mailings.</p>"
                : "<h1>Unsubscribe?</h1><p><b>" + who + "</b> will no longer get these mailings.</p>"
                        + "<form method=\"post\" action=\"" + HtmlEscapers.htmlEscaper().escape(action) + "\">"
                        + "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                        + "<button type=\"submit\">Unsubscribe</button></form>";
        write(response, HttpServletResponse.SC_OK, "Unsubscribe", body);
    }

    static void done(HttpServletResponse response) throws IOException {
        write(response, HttpServletResponse.SC_OK, "Unsubscribed",
                "<h1>You are unsubscribed</h1><p>You will no longer get these mailings.</p>");
    }

    static void badRequest(HttpServletResponse response) throws IOException {
        write(response, HttpServletResponse.SC_BAD_REQUEST, "Bad request",
                "<h1>Bad request</h1><p>An unsubscribe request carries the form field List-Unsubscribe=One-Click.</p>");
    }

    private static void write(HttpServletResponse response, int status, String title, String body)
            throws IOException {
        byte[] page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                + "content=\"width=device-width\"><meta name=\"robots\" content=\"noindex\"><title>" + title
                + "</title>" + STYLE + "</head><body>" + body + "</body></html>\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/html;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Robots-Tag", "noindex");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
                + "form-action 'self'");
        response.setContentLength(page.length);
        response.getOutputStream().write(page);
    }
}
