package dev.smtpapi.tracker.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.tracker.TrackerFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The webhooks API of a running tracker, called as a SparkPost user calls it, and the events of real clicks
 * and opens arriving at the webhook's target in SparkPost's batch form.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrackerFixture tracker;
    private RecordingTarget target;

    @BeforeAll
    void start() throws Exception {
        tracker = TrackerFixture.start(WebhooksApiTest.class, Map.of("webhook_retry_first_seconds", "1",
                "webhook_retry_longest_seconds", "1", "webhook_refresh_seconds", "1"));
        target = new RecordingTarget();
    }

    @AfterAll
    void stop() {
        target.close();
        tracker.close();
    }

    private HttpResponse<String> call(String method, String path, String body, String apiKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(tracker.server.uri() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.replace('\'', '"')))
                .header("Content-Type", "application/json");
        if (apiKey != null) {
            request.header("Authorization", apiKey);
        }
        return tracker.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        return call(method, path, body, TrackerFixture.API_KEY);
    }

    private String create(String definition) throws Exception {
        HttpResponse<String> created = call("POST", "/api/v1/webhooks", definition);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return JSON.readTree(created.body()).path("results").path("id").asText();
    }

    @Test
    void aWebhookIsCreatedListedReadChangedAndDeletedWithoutItsPasswordEverShowing() throws Exception {
        String id = create("{'name': 'CRM', 'target': '" + target.uri("/crm") + "', 'events': ['click', 'open'],"
                + " 'auth_type': 'basic', 'auth_credentials': {'username': 'mta', 'password': 'hunter2-hunter2'}}");

        HttpResponse<String> list = call("GET", "/api/v1/webhooks", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain("hunter2");
        assertThat(JSON.readTree(list.body()).path("results")).anySatisfy(webhook ->
                assertThat(webhook.path("id").asText()).isEqualTo(id));

        JsonNode read = JSON.readTree(call("GET", "/api/v1/webhooks/" + id, null).body()).path("results");
        assertThat(read.path("name").asText()).isEqualTo("CRM");
        assertThat(read.path("auth_credentials").path("username").asText()).isEqualTo("mta");
        assertThat(read.path("auth_credentials").path("password").asText()).isEqualTo(WebhookJson.MASK);

        assertThat(call("PUT", "/api/v1/webhooks/" + id, "{'name': 'CRM v2', 'active': false}").statusCode())
                .isEqualTo(200);
        JsonNode changed = JSON.readTree(call("GET", "/api/v1/webhooks/" + id, null).body()).path("results");
        assertThat(changed.path("name").asText()).isEqualTo("CRM v2");
        assertThat(changed.path("active").asBoolean()).isFalse();
        assertThat(changed.path("events").toString()).isEqualTo("[\"click\",\"open\"]");

        assertThat(call("DELETE", "/api/v1/webhooks/" + id, null).statusCode()).isEqualTo(204);
        HttpResponse<String> gone = call("GET", "/api/v1/webhooks/" + id, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(gone.body()).path("errors").get(0).path("message").asText())
                .isEqualTo("resource not found");
    }

    @Test
    void badDefinitionsAre400sNamingTheFieldAndNothingIsStored() throws Exception {
        int before = JSON.readTree(call("GET", "/api/v1/webhooks", null).body()).path("results").size();
        Map<String, String> cases = Map.of(
                "{'name': 'x', 'target': 'ftp://files.example.com/', 'events': ['click']}", "target",
                "{'name': 'x', 'target': 'https://h.example/', 'events': ['clik']}", "events",
                "{'name': 'x', 'target': 'https://h.example/', 'events': ['click'], 'auth_type': 'basic'}",
                "auth_credentials",
                "{'name': 'x', 'target': 'https://h.example/', 'events': ['click'], 'auth_type': 'oauth2',"
                        + " 'auth_request_details': {'body': {'client_id': 'c'}}}", "auth_request_details.url",
                "{not json", "body");
        for (Map.Entry<String, String> bad : cases.entrySet()) {
            HttpResponse<String> answer = call("POST", "/api/v1/webhooks", bad.getKey());
            assertThat(answer.statusCode()).as(bad.getKey()).isEqualTo(400);
            JsonNode error = JSON.readTree(answer.body()).path("errors").get(0);
            assertThat(error.path("param").asText()).as(bad.getKey()).isEqualTo(bad.getValue());
            assertThat(error.path("description").asText()).isNotBlank();
        }
        assertThat(JSON.readTree(call("GET", "/api/v1/webhooks", null).body()).path("results")).hasSize(before);
    }

    @Test
    void withoutTheApiKeyEverythingIs401() throws Exception {
        assertThat(call("GET", "/api/v1/webhooks", null, null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/api/v1/webhooks", "{}", "wrong-key-wrong-key").statusCode()).isEqualTo(401);
    }

    @Test
    void validatePostsThePingAndAnswersWithWhatTheTargetSaid() throws Exception {
        target.answerBody(request -> request.path().equals("/ping") ? "{\"ok\":true}" : "");
        String id = create("{'name': 'ping', 'target': '" + target.uri("/ping") + "', 'events': ['open'],"
                + " 'auth_type': 'basic', 'auth_credentials': {'username': 'u', 'password': 'p'}}");
        HttpResponse<String> validated = call("POST", "/api/v1/webhooks/" + id + "/validate", "{}");
        assertThat(validated.statusCode()).as(validated.body()).isEqualTo(200);
        JsonNode results = JSON.readTree(validated.body()).path("results");
        assertThat(results.path("msg").asText()).isEqualTo("Test POST to endpoint succeeded");
        assertThat(results.path("response").path("status").asInt()).isEqualTo(200);
        assertThat(results.path("response").path("body").asText()).isEqualTo("{\"ok\":true}");
        RecordingTarget.Received ping = target.received("/ping").get(0);
        assertThat(ping.body()).isEqualTo("[{\"msys\":{}}]");
        assertThat(ping.header("X-MessageSystems-Batch-ID")).isNotBlank();
        assertThat(ping.header("Authorization")).startsWith("Basic ");
        call("DELETE", "/api/v1/webhooks/" + id, null);
    }

    @Test
    void clicksAndOpensArriveAtTheTargetOnceEachAndBatchStatusShowsTheBatches() throws Exception {
        String id = create("{'name': 'engagement', 'target': '" + target.uri("/events") + "',"
                + " 'events': ['click', 'open']}");
        TrackerFixture.SentMessage mail = tracker.send("winter-sale", "{\"customer\":\"42\"}", List.of("promo"),
                List.of("Ann@Example.com", "bob@example.com"),
                List.of(LinkRecord.of("https://shop.example.com/sale", Optional.of("hero"), false)),
                Instant.now().minusSeconds(60), true);
        assertThat(tracker.get(mail.clickUrl(0, 0)).statusCode()).isEqualTo(302);
        assertThat(tracker.get(mail.openUrl(1)).statusCode()).isEqualTo(200);

        List<JsonNode> received = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(60);
        while (received.size() < 2 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            received.clear();
            for (RecordingTarget.Received request : target.received("/events")) {
                JSON.readTree(request.body()).forEach(received::add);
            }
        }
        assertThat(received).hasSize(2);
        JsonNode click = received.stream().map(entry -> entry.path("msys").path("track_event"))
                .filter(event -> event.path("type").asText().equals("click")).findFirst().orElseThrow();
        assertThat(click.path("raw_rcpt_to").asText()).isEqualTo("Ann@Example.com");
        assertThat(click.path("target_link_url").asText()).isEqualTo("https://shop.example.com/sale");
        assertThat(click.path("transmission_id").asText()).isEqualTo(mail.record.messageKey().toString());
        assertThat(click.path("campaign_id").asText()).isEqualTo("winter-sale");
        assertThat(click.path("timestamp").asText()).matches("[0-9]{10}");

        JsonNode batches = batchStatus(id);
        while (delivered(batches) < 2 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            batches = batchStatus(id);
        }
        assertThat(batches).isNotEmpty().allSatisfy(batch -> {
            assertThat(batch.path("status").asText()).isEqualTo("delivered");
            assertThat(batch.path("response_code").asText()).isEqualTo("200");
            assertThat(batch.path("attempts").asInt()).isEqualTo(1);
        });
        assertThat(delivered(batches)).isEqualTo(2);
        assertThat(tracker.metric("smtpapi_tracker_webhook_batches_total", "outcome=\"sent\",webhook=\"" + id + "\""))
                .isEqualTo(batches.size());
        call("DELETE", "/api/v1/webhooks/" + id, null);
    }

    private JsonNode batchStatus(String id) throws Exception {
        HttpResponse<String> answer = call("GET", "/api/v1/webhooks/" + id + "/batch-status", null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).path("results");
    }

    private static int delivered(JsonNode batches) {
        int events = 0;
        for (JsonNode batch : batches) {
            if (batch.path("status").asText().equals("delivered")) {
                events += batch.path("events").asInt();
            }
        }
        return events;
    }
}
