package dev.smtpapi.tracker.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.tracker.Tracker;
import dev.smtpapi.tracker.event.EventType;
import dev.smtpapi.tracker.event.TrackingEvent;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The JSON API under {@code /api/v1}, protected by the configured API key (sent as SparkPost clients send it,
 * {@code Authorization: <key>}, or as {@code Bearer <key>}):
 * <ul>
 * <li>{@code GET /api/v1/events/message}: events newest first, with SparkPost's parameters {@code from},
 *     {@code to} (default: the last 24 hours), {@code events}, {@code campaigns}, {@code recipients} (comma
 *     lists), {@code per_page} (1 to 10,000, default 1,000) and {@code cursor}; answers
 *     {@code {"results": [...], "total_count": N, "links": {"next": "..."}}}.
 * <li>{@code GET /api/v1/metrics/campaigns}: per campaign, opens, unique opens, clicks and unique clicks,
 *     each split into human and machine, over the same {@code from}/{@code to} window and {@code campaigns}.
 * </ul>
 * Both read the window from Cassandra as they go, so their cost grows with the number of events in it.
 */
final class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
    private static final Duration MAX_WINDOW = Duration.ofDays(31);
    private static final int DEFAULT_PER_PAGE = 1000;
    private static final int MAX_PER_PAGE = 10_000;

    private final transient Tracker tracker;
    private final transient ObjectMapper mapper = new ObjectMapper();
    private final transient Optional<byte[]> apiKey;

    ApiServlet(Tracker tracker) {
        this.tracker = tracker;
        this.apiKey = tracker.settings().apiKey().map(key -> key.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!isAuthorized(request.getHeader("Authorization"))) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"smtpapi\"");
            error(response, HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized.",
                    "a valid API key is needed in the Authorization header", null);
            return;
        }
        String path = Optional.ofNullable(request.getPathInfo()).orElse("");
        try {
            if (path.equals("/events/message")) {
                events(request, response);
            } else if (path.equals("/metrics/campaigns")) {
                campaignMetrics(request, response);
            } else {
                error(response, HttpServletResponse.SC_NOT_FOUND, "Not found.", "no such endpoint", null);
            }
        } catch (BadParameter e) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, "invalid params", e.getMessage(), e.parameter);
        } catch (StoreUnavailableException e) {
            response.setHeader("Retry-After", Integer.toString(tracker.settings().retryAfterSeconds()));
            error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Service unavailable.",
                    "the event store cannot be read right now", null);
        }
    }

    private boolean isAuthorized(String header) {
        if (apiKey.isEmpty() || header == null) {
            return false;
        }
        String presented = header.strip();
        if (presented.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = presented.substring(7).strip();
        }
        return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), apiKey.get());
    }

    private void events(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Window window = Window.of(request);
        Set<EventType> types = types(request.getParameter("events"));
        Set<String> campaigns = list(request.getParameter("campaigns"), false);
        Set<String> recipients = list(request.getParameter("recipients"), true);
        int perPage = perPage(request.getParameter("per_page"));
        Optional<UUID> cursor = cursor(request.getParameter("cursor"));

        ObjectNode body = mapper.createObjectNode();
        ArrayNode results = body.putArray("results");
        long total = 0;
        boolean collecting = cursor.isEmpty();
        boolean more = false;
        UUID last = null;
        Iterator<TrackingEvent> events = tracker.events().newestFirst(window.from, window.to);
        while (events.hasNext()) {
            TrackingEvent event = events.next();
            if (!matches(event, types, campaigns, recipients)) {
                continue;
            }
            total++;
            if (!collecting) {
                collecting = event.eventId().equals(cursor.get());
                continue;
            }
            if (results.size() < perPage) {
                results.add(tracker.json().toApi(event));
                last = event.eventId();
            } else {
                more = true;
            }
        }
        if (!collecting) {
            throw new BadParameter("cursor", "the cursor does not point into these results");
        }
        body.put("total_count", total);
        ObjectNode links = body.putObject("links");
        if (more) {
            links.put("next", nextLink(request, last));
        }
        json(response, body);
    }

    private void campaignMetrics(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Window window = Window.of(request);
        Set<String> campaigns = list(request.getParameter("campaigns"), false);
        Map<String, CampaignCounts> counts = new TreeMap<>();
        Iterator<TrackingEvent> events = tracker.events().newestFirst(window.from, window.to);
        while (events.hasNext()) {
            TrackingEvent event = events.next();
            if (event.campaignId().isEmpty() || event.type() == EventType.LIST_UNSUBSCRIBE
                    || (!campaigns.isEmpty() && !campaigns.contains(event.campaignId().get()))) {
                continue;
            }
            counts.computeIfAbsent(event.campaignId().get(), id -> new CampaignCounts()).add(event);
        }
        ObjectNode body = mapper.createObjectNode();
        ArrayNode results = body.putArray("results");
        counts.forEach((campaign, count) -> {
            ObjectNode row = results.addObject();
            row.put("campaign_id", campaign);
            count.writeTo(row);
        });
        json(response, body);
    }

    private static boolean matches(TrackingEvent event, Set<EventType> types, Set<String> campaigns,
            Set<String> recipients) {
        return (types.isEmpty() || types.contains(event.type()))
                && (campaigns.isEmpty() || event.campaignId().filter(campaigns::contains).isPresent())
                && (recipients.isEmpty() || recipients.contains(event.rcptTo()));
    }

    private static String nextLink(HttpServletRequest request, UUID cursor) {
        StringBuilder next = new StringBuilder(request.getContextPath()).append("/api/v1/events/message?cursor=")
                .append(cursor);
        for (String name : new String[] {"per_page", "from", "to", "events", "campaigns", "recipients"}) {
            String value = request.getParameter(name);
            if (value != null) {
                next.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return next.toString();
    }

    private static Set<EventType> types(String parameter) {
        Set<EventType> types = new HashSet<>();
        for (String code : list(parameter, false)) {
            types.add(EventType.fromCode(code).orElseThrow(() -> new BadParameter("events", "unknown event type; "
                    + "expected some of " + Arrays.stream(EventType.values()).map(EventType::code)
                    .collect(Collectors.joining(", ")))));
        }
        return types;
    }

    private static Set<String> list(String parameter, boolean lowerCase) {
        if (parameter == null || parameter.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(parameter.split(","))
                .map(String::strip)
                .filter(item -> !item.isEmpty())
                .map(item -> lowerCase ? item.toLowerCase(Locale.ROOT) : item)
                .collect(Collectors.toSet());
    }

    private static int perPage(String parameter) {
        if (parameter == null || parameter.isBlank()) {
            return DEFAULT_PER_PAGE;
        }
        try {
            int value = Integer.parseInt(parameter.strip());
            if (value >= 1 && value <= MAX_PER_PAGE) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new BadParameter("per_page", "expected a number from 1 to " + MAX_PER_PAGE);
    }

    private static Optional<UUID> cursor(String parameter) {
        if (parameter == null || parameter.isBlank() || parameter.equals("initial")) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(parameter.strip()));
        } catch (IllegalArgumentException e) {
            throw new BadParameter("cursor", "not a cursor of this API");
        }
    }

    private void json(HttpServletResponse response, ObjectNode body) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        mapper.writeValue(response.getOutputStream(), body);
    }

    private void error(HttpServletResponse response, int status, String message, String description,
            String parameter) throws IOException {
        ObjectNode body = mapper.createObjectNode();
        ObjectNode error = body.putArray("errors").addObject();
        error.put("message", message);
        error.put("description", description);
        if (parameter != null) {
            error.put("param", parameter);
        }
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        mapper.writeValue(response.getOutputStream(), body);
    }

    /** The {@code from}/{@code to} window, in SparkPost's formats ({@code 2026-11-27T08:00} is UTC). */
    private static final class Window {
        final Instant from;
        final Instant to;

        private Window(Instant from, Instant to) {
            this.from = from;
            this.to = to;
        }

        static Window of(HttpServletRequest request) {
            Instant to = time("to", request.getParameter("to")).orElse(Instant.now());
            Instant from = time("from", request.getParameter("from")).orElse(to.minus(DEFAULT_WINDOW));
            if (from.isAfter(to)) {
                throw new BadParameter("from", "from must be before to");
            }
            if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
                throw new BadParameter("from", "the window may be at most " + MAX_WINDOW.toDays() + " days");
            }
            return new Window(from, to);
        }

        private static Optional<Instant> time(String name, String value) {
            if (value == null || value.isBlank()) {
                return Optional.empty();
            }
            String text = value.strip();
            try {
                return Optional.of(OffsetDateTime.parse(text).toInstant());
            } catch (DateTimeParseException e) {
                try {
                    return Optional.of(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
                } catch (DateTimeParseException again) {
                    throw new BadParameter(name, "expected a time like 2026-11-27T08:00 or 2026-11-27T08:00:00Z");
                }
            }
        }
    }

    /** Opens and clicks of one campaign; unique counts are distinct (message, recipient) pairs. */
    private static final class CampaignCounts {
        private final long[] opens = new long[2];
        private final long[] clicks = new long[2];
        private final List<Set<String>> openers = List.of(new HashSet<>(), new HashSet<>());
        private final List<Set<String>> clickers = List.of(new HashSet<>(), new HashSet<>());

        void add(TrackingEvent event) {
            int who = event.isMachine() ? 1 : 0;
            String recipient = event.messageId() + '\n' + event.rcptTo();
            if (event.type().isClick()) {
                clicks[who]++;
                clickers.get(who).add(recipient);
            } else {
                opens[who]++;
                openers.get(who).add(recipient);
            }
        }

        void writeTo(ObjectNode row) {
            split(row.putObject("opens"), opens[0], opens[1]);
            split(row.putObject("unique_opens"), openers.get(0).size(), openers.get(1).size());
            split(row.putObject("clicks"), clicks[0], clicks[1]);
            split(row.putObject("unique_clicks"), clickers.get(0).size(), clickers.get(1).size());
        }

        private static void split(ObjectNode node, long human, long machine) {
            node.put("human", human);
            node.put("machine", machine);
            node.put("total", human + machine);
        }
    }

    private static final class BadParameter extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final String parameter;

        BadParameter(String parameter, String problem) {
            super(problem);
            this.parameter = parameter;
        }
    }
}
