package dev.smtpapi.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The suppression-list API as a SparkPost client uses it, over real HTTP and the real Cassandra. */
class SuppressionListApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TrackerFixture tracker;

    @BeforeAll
    static void start() throws Exception {
        tracker = TrackerFixture.start(SuppressionListApiTest.class);
    }

    @AfterAll
    static void stop() {
        tracker.close();
    }

    @Test
    void anEntryPutForOneRecipientIsReadBackInSparkPostsShapeAndDeleted() throws Exception {
        HttpResponse<String> put = send("PUT", "/api/v1/suppression-list/" + encode("Kim.Lee+news@Example.COM"),
                "{\"type\": \"non_transactional\", \"description\": \"asked by phone\"}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.body()).isEqualTo("{\"results\":{\"message\":\"Suppression List successfully updated\"}}");

        JsonNode entry = json(send("GET", "/api/v1/suppression-list/" + encode("Kim.Lee+news@example.com"), null))
                .path("results").get(0);
        assertThat(entry.path("recipient").asText()).isEqualTo("Kim.Lee+news@example.com");
        assertThat(entry.path("type").asText()).isEqualTo("non_transactional");
        assertThat(entry.path("source").asText()).isEqualTo("Manually Added");
        assertThat(entry.path("description").asText()).isEqualTo("asked by phone");
        assertThat(entry.path("created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+00:00");
        assertThat(entry.path("updated").asText()).isEqualTo(entry.path("created").asText());

        assertThat(send("DELETE", "/api/v1/suppression-list/" + encode("Kim.Lee+news@example.com"), null)
                .statusCode()).isEqualTo(204);
        HttpResponse<String> gone = send("GET", "/api/v1/suppression-list/" + encode("Kim.Lee+news@example.com"), null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(json(gone).path("errors").get(0).path("message").asText()).isEqualTo("Recipient could not be found");
        assertThat(send("DELETE", "/api/v1/suppression-list/" + encode("Kim.Lee+news@example.com"), null)
                .statusCode()).isEqualTo(404);
    }

    @Test
    void aBulkImportIsCheckedWholeThenSearchedByTypeAndPagedWithTheCursor() throws Exception {
        StringBuilder recipients = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            recipients.append(i == 0 ? "" : ",").append("{\"recipient\":\"import").append(i)
                    .append("@bulk.example\",\"type\":\"").append(i % 3 == 0 ? "transactional" : "non_transactional")
                    .append("\",\"description\":\"old ESP export\"}");
        }
        HttpResponse<String> bad = send("PUT", "/api/v1/suppression-list",
                "{\"recipients\":[{\"recipient\":\"ok@bulk.example\",\"type\":\"non_transactional\"},"
                        + "{\"recipient\":\"not an address\",\"type\":\"non_transactional\"}]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("errors").get(0).path("param").asText()).isEqualTo("recipients[1].recipient");
        assertThat(send("GET", "/api/v1/suppression-list/ok@bulk.example", null).statusCode())
                .as("nothing of a refused import is written").isEqualTo(404);

        assertThat(send("PUT", "/api/v1/suppression-list", "{\"recipients\":[" + recipients + "]}").statusCode())
                .isEqualTo(200);

        List<String> found = new ArrayList<>();
        String next = "/api/v1/suppression-list?domain=bulk.example&types=non_transactional&per_page=3";
        int pages = 0;
        while (next != null) {
            JsonNode page = json(send("GET", next, null));
            assertThat(page.path("total_count").asInt()).isEqualTo(8);
            page.path("results").forEach(entry -> found.add(entry.path("recipient").asText()));
            JsonNode links = page.path("links");
            next = links.isEmpty() ? null : links.get(0).path("href").asText();
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(found).hasSize(8).doesNotHaveDuplicates().allMatch(address -> address.endsWith("@bulk.example"));
        assertThat(json(send("GET", "/api/v1/suppression-list?sources=" + encode("Manually Added")
                + "&types=transactional&domain=bulk.example", null)).path("total_count").asInt()).isEqualTo(4);
    }

    @Test
    void badParametersAndAMissingKeyAreRefusedInSparkPostsErrorShape() throws Exception {
        assertThat(json(send("PUT", "/api/v1/suppression-list/lee@example.com", "{\"type\":\"marketing\"}"))
                .path("errors").get(0).path("param").asText()).isEqualTo("type");
        assertThat(send("GET", "/api/v1/suppression-list?types=spam", null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/api/v1/suppression-list?cursor=nonsense", null).statusCode()).isEqualTo(400);
        HttpResponse<String> anonymous = tracker.http.send(HttpRequest.newBuilder(
                URI.create(tracker.server.uri() + "/api/v1/suppression-list")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace("%2B", "+")
                .replace("%40", "@");
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(String method, String pathAndQuery, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(tracker.server.uri() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", TrackerFixture.API_KEY)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return tracker.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
