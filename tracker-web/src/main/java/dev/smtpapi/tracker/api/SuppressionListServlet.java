package dev.smtpapi.tracker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.suppression.SuppressedAddress;
import dev.smtpapi.suppression.SuppressionEntry;
import dev.smtpapi.suppression.SuppressionList;
import dev.smtpapi.suppression.SuppressionSource;
import dev.smtpapi.suppression.SuppressionType;
import dev.smtpapi.tracker.unsubscribe.SuppressionSearch;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The suppression list API in SparkPost's shape, behind the API key ({@link ApiKeyFilter}):
 * <ul>
 * <li>{@code GET /api/v1/suppression-list}: search with {@code from}, {@code to} (on the update time),
 *     {@code types}, {@code sources}, {@code domain}, {@code description}, {@code sort} ({@code asc} or
 *     {@code desc}, the default), {@code per_page} (1 to 10,000, default 1,000) and {@code cursor}; answers
 *     {@code {"results": [...], "links": [{"href": ..., "rel": "next"}], "total_count": N}}. A scan of the
 *     whole list: its cost grows with the list.</li>
 * <li>{@code GET /api/v1/suppression-list/{recipient}}: the recipient's entries, or 404.</li>
 * <li>{@code PUT /api/v1/suppression-list/{recipient}} with {@code {"type": ..., "description": ...}}, and the
 *     bulk {@code PUT /api/v1/suppression-list} with {@code {"recipients": [{"recipient", "type",
 *     "description"}, ...]}} (at most 10,000, checked whole before anything is written): source
 *     {@code Manually Added}.</li>
 * <li>{@code DELETE /api/v1/suppression-list/{recipient}}, optionally with {@code {"type": ...}} or
 *     {@code ?type=}: 204, or 404 when there was no such entry.</li>
 * </ul>
 */
public final class SuppressionListServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String PATH = "/api/v1/suppression-list";
    public static final String[] MAPPINGS = {PATH, PATH + "/*"};
    private static final int MAX_BULK = 10_000;
    private static final int DEFAULT_PER_PAGE = 1000;
    private static final int MAX_PER_PAGE = 10_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

    private final transient SuppressionList list;
    private final transient ApiResponses api;
    private final transient Clock clock;
    private final int retryAfterSeconds;

    public SuppressionListServlet(SuppressionList list, ApiResponses api, Clock clock, int retryAfterSeconds) {
        this.list = list;
        this.api = api;
        this.clock = clock;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<String> recipient = Optional.ofNullable(request.getPathInfo()).filter(path -> path.length() > 1)
                .map(path -> path.substring(1));
        try {
            switch (request.getMethod()) {
                case "GET" -> {
                    if (recipient.isPresent()) {
                        getOne(response, address(recipient.get()));
                    } else {
                        search(request, response);
                    }
                }
                case "PUT" -> {
                    if (recipient.isPresent()) {
                        putOne(request, response, address(recipient.get()));
                    } else {
                        putBulk(request, response);
                    }
                }
                case "DELETE" -> {
                    if (recipient.isEmpty()) {
                        throw new BadParameterException(null, "DELETE needs a recipient: " + PATH + "/{recipient}");
                    }
                    delete(request, response, address(recipient.get()));
                }
                default -> {
                    response.setHeader("Allow", "GET, PUT, DELETE");
                    api.error(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method not allowed.",
                            "use GET, PUT or DELETE", null);
                }
            }
        } catch (BadParameterException e) {
            api.badParameter(response, e);
        } catch (StoreUnavailableException e) {
            api.unavailable(response, retryAfterSeconds, "the suppression list");
        }
    }

    private void getOne(HttpServletResponse response, SuppressedAddress recipient) throws IOException {
        List<SuppressionEntry> entries = list.entries(recipient);
        if (entries.isEmpty()) {
            api.error(response, HttpServletResponse.SC_NOT_FOUND, "Recipient could not be found",
                    "the suppression list has no such entry", null);
            return;
        }
        ObjectNode body = api.object();
        ArrayNode results = body.putArray("results");
        entries.forEach(entry -> results.add(json(entry)));
        api.ok(response, body);
    }

    private void search(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<Instant> from = time(request, "from");
        Optional<Instant> to = time(request, "to");
        if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
            throw new BadParameterException("from", "from must be before to");
        }
        String sort = Optional.ofNullable(request.getParameter("sort")).orElse("desc").strip();
        if (!sort.equals("asc") && !sort.equals("desc")) {
            throw new BadParameterException("sort", "expected asc or desc");
        }
        SuppressionSearch search = new SuppressionSearch(from, to,
                set(request, "types", SuppressionType::fromCode, "non_transactional, transactional"),
                set(request, "sources", SuppressionSource::fromLabel,
                        "List Unsubscribe, Link Unsubscribe, Manually Added"),
                text(request, "domain"), text(request, "description"), sort.equals("asc"), perPage(request),
                text(request, "cursor").map(SuppressionListServlet::cursor));
        SuppressionSearch.Page page = search.run(list.all());
        ObjectNode body = api.object();
        ArrayNode results = body.putArray("results");
        page.results().forEach(entry -> results.add(json(entry)));
        ArrayNode links = body.putArray("links");
        page.next().ifPresent(next -> links.addObject().put("href", nextLink(request, next)).put("rel", "next"));
        body.put("total_count", page.totalCount());
        api.ok(response, body);
    }

    private void putOne(HttpServletRequest request, HttpServletResponse response, SuppressedAddress recipient)
            throws IOException {
        JsonNode body = body(request);
        list.put(entry(recipient, body, ""));
        updated(response);
    }

    private void putBulk(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonNode recipients = body(request).path("recipients");
        if (!recipients.isArray() || recipients.isEmpty()) {
            throw new BadParameterException("recipients", "expected a non-empty array of {recipient, type, description}");
        }
        if (recipients.size() > MAX_BULK) {
            throw new BadParameterException("recipients", "at most " + MAX_BULK + " recipients per request, got "
                    + recipients.size());
        }
        List<SuppressionEntry> entries = new ArrayList<>(recipients.size());
        for (int i = 0; i < recipients.size(); i++) {
            JsonNode item = recipients.get(i);
            String where = "recipients[" + i + "]";
            if (!item.path("recipient").isTextual()) {
                throw new BadParameterException(where + ".recipient", "expected the recipient's address as a string");
            }
            entries.add(entry(address(where + ".recipient", item.get("recipient").asText()), item, where + "."));
        }
        for (SuppressionEntry entry : entries) {
            list.put(entry);
        }
        updated(response);
    }

    private void delete(HttpServletRequest request, HttpServletResponse response, SuppressedAddress recipient)
            throws IOException {
        Optional<String> typeText = text(request, "type");
        if (typeText.isEmpty() && request.getContentLength() != 0) {
            JsonNode body = body(request);
            if (body.hasNonNull("type")) {
                typeText = Optional.of(body.get("type").asText());
            }
        }
        Optional<SuppressionType> type = typeText.map(text -> SuppressionType.fromCode(text)
                .orElseThrow(() -> new BadParameterException("type", "expected non_transactional or transactional")));
        if (!list.delete(recipient, type)) {
            api.error(response, HttpServletResponse.SC_NOT_FOUND, "Recipient could not be found",
                    "the suppression list has no such entry", null);
            return;
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private SuppressionEntry entry(SuppressedAddress recipient, JsonNode item, String prefix) {
        JsonNode type = item.path("type");
        SuppressionType parsed = (type.isTextual() ? SuppressionType.fromCode(type.asText()) : Optional.<SuppressionType>empty())
                .orElseThrow(() -> new BadParameterException(prefix + "type", "expected non_transactional or transactional"));
        JsonNode description = item.path("description");
        if (!description.isMissingNode() && !description.isNull() && !description.isTextual()) {
            throw new BadParameterException(prefix + "description", "expected a string");
        }
        String text = description.isTextual() ? description.asText() : "";
        if (text.length() > 1024) {
            throw new BadParameterException(prefix + "description", "at most 1024 characters");
        }
        return SuppressionEntry.of(recipient, parsed, SuppressionSource.MANUALLY_ADDED, text,
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    private JsonNode body(HttpServletRequest request) throws IOException {
        try {
            JsonNode body = api.mapper().readTree(request.getInputStream());
            if (body == null || !body.isObject()) {
                throw new BadParameterException(null, "expected a JSON object as the request body");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new BadParameterException(null, "the request body is not valid JSON");
        }
    }

    private ObjectNode json(SuppressionEntry entry) {
        ObjectNode node = api.object();
        node.put("recipient", entry.recipient().value());
        node.put("type", entry.type().code());
        node.put("source", entry.source().label());
        node.put("description", entry.description());
        node.put("created", TIME.format(entry.created().atOffset(ZoneOffset.UTC)));
        node.put("updated", TIME.format(entry.updated().atOffset(ZoneOffset.UTC)));
        return node;
    }

    private void updated(HttpServletResponse response) throws IOException {
        ObjectNode body = api.object();
        body.putObject("results").put("message", "Suppression List successfully updated");
        api.ok(response, body);
    }

    private static SuppressedAddress address(String recipient) {
        return address("recipient", recipient);
    }

    private static SuppressedAddress address(String parameter, String recipient) {
        try {
            return SuppressedAddress.of(recipient);
        } catch (IllegalArgumentException e) {
            throw new BadParameterException(parameter, e.getMessage());
        }
    }

    private static SuppressionSearch.Cursor cursor(String text) {
        try {
            return SuppressionSearch.Cursor.decode(text);
        } catch (IllegalArgumentException e) {
            throw new BadParameterException("cursor", e.getMessage());
        }
    }

    private static Optional<String> text(HttpServletRequest request, String name) {
        return Optional.ofNullable(request.getParameter(name)).map(String::strip).filter(value -> !value.isEmpty());
    }

    private static <T> Set<T> set(HttpServletRequest request, String name, Function<String, Optional<T>> parse,
            String expected) {
        Set<T> values = new LinkedHashSet<>();
        for (String item : text(request, name).map(value -> Arrays.asList(value.split(","))).orElse(List.of())) {
            if (!item.isBlank()) {
                values.add(parse.apply(item.strip()).orElseThrow(() -> new BadParameterException(name, "expected some of "
                        + expected)));
            }
        }
        return values;
    }

    private static int perPage(HttpServletRequest request) {
        Optional<String> value = text(request, "per_page");
        if (value.isEmpty()) {
            return DEFAULT_PER_PAGE;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed >= 1 && parsed <= MAX_PER_PAGE) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new BadParameterException("per_page", "expected a number from 1 to " + MAX_PER_PAGE);
    }

    private static Optional<Instant> time(HttpServletRequest request, String name) {
        Optional<String> value = text(request, name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value.get()).toInstant());
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(LocalDateTime.parse(value.get()).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException again) {
                throw new BadParameterException(name, "expected a time like 2026-11-27T08:00 or 2026-11-27T08:00:00Z");
            }
        }
    }

    private static String nextLink(HttpServletRequest request, SuppressionSearch.Cursor cursor) {
        StringBuilder next = new StringBuilder(request.getContextPath()).append(PATH).append("?cursor=")
                .append(cursor.encode());
        for (String name : new String[] {"per_page", "from", "to", "types", "sources", "domain", "description",
                "sort"}) {
            String value = request.getParameter(name);
            if (value != null) {
                next.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return next.toString();
    }
}
