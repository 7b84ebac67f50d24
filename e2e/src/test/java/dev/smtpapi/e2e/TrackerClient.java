package dev.smtpapi.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Predicate;

/**
 * The tracker seen from outside: a browser following a click, a mail client loading the pixel, and an
 * application reading the events API. Redirects are never followed, so a test sees the tracker's own answer.
 */
final class TrackerClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    private final URI trackerUrl;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** A client of the stack's (first) tracker. */
    TrackerClient(Stack stack) {
        this(stack.trackerUrl(), stack.apiKey());
    }

    /** A client of the tracker at {@code trackerUrl}, reading the events API with {@code apiKey}. */
    TrackerClient(URI trackerUrl, String apiKey) {
        this.trackerUrl = trackerUrl;
        this.apiKey = apiKey;
    }

    /** A plain GET, as a browser sends it when a reader clicks a link or a client loads an image. */
    HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .header("User-Agent", USER_AGENT)
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** {@code GET /api/v1/events/message} with the API key; fails unless the answer is 200. */
    JsonNode events(Map<String, String> query) throws IOException, InterruptedException {
        StringJoiner parameters = new StringJoiner("&");
        query.forEach((name, value) -> parameters.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(trackerUrl + "/api/v1/events/message?" + parameters))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", apiKey)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("the events API answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * Polls the events API until the results contain an event matching each predicate (events are written
     * asynchronously, in batches), and returns the matching events in the order of the predicates.
     */
    @SafeVarargs
    final List<JsonNode> awaitEvents(Map<String, String> query, Duration timeout, Predicate<JsonNode>... wanted)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last;
        while (true) {
            last = events(query);
            List<JsonNode> matches = new ArrayList<>();
            for (Predicate<JsonNode> predicate : wanted) {
                for (JsonNode event : last.path("results")) {
                    if (predicate.test(event)) {
                        matches.add(event);
                        break;
                    }
                }
            }
            if (matches.size() == wanted.length) {
                return matches;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the events API did not list the expected events within "
                        + timeout.toSeconds() + "s; last answer: " + last.toPrettyString());
            }
            Thread.sleep(500);
        }
    }
}
