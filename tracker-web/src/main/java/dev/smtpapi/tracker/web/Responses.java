package dev.smtpapi.tracker.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/** The fixed answers of the tracked URLs. None of them repeats anything of the request. */
final class Responses {
    /** A 1×1 transparent GIF89a, 43 bytes. */
    static final byte[] PIXEL = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

    private static final byte[] NOT_FOUND = page("Link not found",
            "This link is unknown or no longer valid.");
    private static final byte[] UNAVAILABLE = page("Temporarily unavailable",
            "This link cannot be followed right now. Please try again in a little while.");

    private Responses() {
    }

    static void pixel(HttpServletResponse response, boolean withBody) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("image/gif");
        response.setHeader("Cache-Control", "no-store, no-cache, must-revalidate, private");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("Expires", "Thu, 01 Jan 1970 00:00:00 GMT");
        response.setContentLength(PIXEL.length);
        if (withBody) {
            response.getOutputStream().write(PIXEL);
        }
    }

    static void redirect(HttpServletResponse response, String target) {
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", asciiLocation(target));
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Robots-Tag", "noindex");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setContentLength(0);
    }

    static void notFound(HttpServletResponse response, boolean withBody) throws IOException {
        fixedPage(response, HttpServletResponse.SC_NOT_FOUND, NOT_FOUND, withBody);
    }

    static void unavailable(HttpServletResponse response, int retryAfterSeconds, boolean withBody)
            throws IOException {
        response.setHeader("Retry-After", Integer.toString(retryAfterSeconds));
        fixedPage(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, UNAVAILABLE, withBody);
    }

    /** Whether the browser only prefetches (no person has followed the link yet). */
    static boolean isPrefetch(HttpServletRequest request) {
        return mentionsPrefetch(request.getHeader("Purpose")) || mentionsPrefetch(request.getHeader("Sec-Purpose"))
                || mentionsPrefetch(request.getHeader("X-Purpose")) || mentionsPrefetch(request.getHeader("X-Moz"));
    }

    private static boolean mentionsPrefetch(String header) {
        return header != null && header.toLowerCase(Locale.ROOT).contains("prefetch");
    }

    /**
     * A Location header is ASCII. An internationalised host name becomes its punycode form (what a browser
     * looks up); everywhere else, bytes outside printable ASCII (spaces, controls, non-ASCII letters) are
     * percent-encoded as UTF-8, as a browser does before following the link. This also keeps a stored target
     * from ever splitting the header.
     */
    static String asciiLocation(String target) {
        return isPrintableAscii(target) ? target : percentEncoded(withAsciiHost(target));
    }

    /** The common case, checked in one pass: nothing to encode, the host included. */
    private static boolean isPrintableAscii(String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    private static String withAsciiHost(String target) {
        int separator = target.indexOf("://");
        if (separator <= 0) {
            return target;
        }
        int hostStart = separator + 3;
        int authorityEnd = hostStart;
        while (authorityEnd < target.length() && "/?#".indexOf(target.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String authority = target.substring(hostStart, authorityEnd);
        int at = authority.lastIndexOf('@');
        String hostAndPort = authority.substring(at + 1);
        if (hostAndPort.chars().allMatch(c -> c < 0x80)) {
            return target;
        }
        // An IPv6 literal is ASCII, so a colon in a non-ASCII host and port can only start the port.
        int colon = hostAndPort.lastIndexOf(':');
        String host = colon >= 0 ? hostAndPort.substring(0, colon) : hostAndPort;
        try {
            String asciiHost = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
            return target.substring(0, hostStart + at + 1) + asciiHost
                    + (colon >= 0 ? hostAndPort.substring(colon) : "") + target.substring(authorityEnd);
        } catch (IllegalArgumentException e) {
            return target; // not a valid IDN: percent-encoded like the rest, which browsers also accept
        }
    }

    private static String percentEncoded(String target) {
        StringBuilder location = null;
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c > 0x20 && c < 0x7F) {
                if (location != null) {
                    location.append(c);
                }
                continue;
            }
            if (location == null) {
                location = new StringBuilder(target.length() + 16).append(target, 0, i);
            }
            int end = Character.isHighSurrogate(c) && i + 1 < target.length() ? i + 2 : i + 1;
            for (byte b : target.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                location.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
            i = end - 1;
        }
        return location == null ? target : location.toString();
    }

    private static void fixedPage(HttpServletResponse response, int status, byte[] body, boolean withBody)
            throws IOException {
        response.setStatus(status);
        response.setContentType("text/html;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Robots-Tag", "noindex");
        response.setContentLength(body.length);
        if (withBody) {
            response.getOutputStream().write(body);
        }
    }

    private static byte[] page(String title, String text) {
        return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>"
                + "<body><h1>" + title + "</h1><p>" + text + "</p></body></html>\n").getBytes(StandardCharsets.UTF_8);
    }
}
