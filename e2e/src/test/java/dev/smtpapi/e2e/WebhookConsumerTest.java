package dev.smtpapi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Webhooks against a real consumer: django-anymail's SparkPost tracking webhook on a real Django server, with
 * Basic auth. A webhook is created through the tracker's API, a campaign goes through James to alice, bob and
 * carol, they click and open, and anymail's {@code tracking} signal must get every event exactly once with
 * the right type, recipient, campaign (anymail's tag), metadata and click URL; then again while the consumer
 * is down for a while (nothing lost) and while it refuses the first tries (each batch once, one batch id).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookConsumerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DELIVERY = Duration.ofSeconds(90);
    private static final List<String> RECIPIENTS = List.of("alice", "bob", "carol");
    private static final String BOOTS = "https://shop.example.com/autumn/boots?utm_source=newsletter&utm_medium=email";
    private static final String CARE_GUIDE = "https://shop.example.com/guides/leather-care#oils";
    /** How long the consumer stays down; the test stack's tracker retries every 1 to 5 s. */
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("smtpapi.webhook.outage.seconds", 25));
    private static final String SECRET = "anymail:" + UUID.randomUUID();

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private Stack stack;
    private Tracker tracker;
    private AnymailConsumer consumer;
    private String webhookId;
    private String campaign;
    private final Map<String, DeliveredCopy> copies = new LinkedHashMap<>();

    @BeforeAll
    void startTheConsumerCreateTheWebhookAndSendTheCampaign() throws Exception {
        stack = Stack.fromSystemProperty();
        tracker = new Tracker(stack);
        consumer = AnymailConsumer.create(SECRET);
        consumer.start(0);
        String[] credentials = SECRET.split(":", 2);
        ObjectNode definition = JSON.createObjectNode();
        definition.put("name", "anymail e2e");
        definition.put("target", consumer.webhookUrl().toString());
        definition.putArray("events").add("click").add("open");
        definition.put("auth_type", "basic");
        definition.putObject("auth_credentials").put("username", credentials[0]).put("password", credentials[1]);
        HttpResponse<String> created = api("POST", "/api/v1/webhooks", definition.toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        webhookId = JSON.readTree(created.body()).path("results").path("id").asText();
        assertThat(created.body()).doesNotContain(credentials[1]);

        HttpResponse<String> validated = api("POST", "/api/v1/webhooks/" + webhookId + "/validate", "{}");
        assertThat(validated.statusCode()).as(validated.body()).isEqualTo(200);
        assertThat(JSON.readTree(validated.body()).path("results").path("response").path("status").asInt())
                .as("anymail answers SparkPost's ping").isEqualTo(200);

        String run = UUID.randomUUID().toString().substring(0, 8);
        campaign = "webhooks-" + run;
        String subject = "Autumn webhooks " + run;
        Outbox outbox = new Outbox(stack);
        List<String> addresses = RECIPIENTS.stream().map(stack::address).toList();
        outbox.send(outbox.message("autumn-newsletter.eml", Map.of("TO", String.join(", ", addresses),
                "SUBJECT", subject, "MESSAGE_ID", run, "CAMPAIGN", campaign)), "news@" + stack.domain(), addresses);
        for (String user : RECIPIENTS) {
            List<MimeMessage> delivered = new Mailbox(stack, user).await(subject, 1, Duration.ofSeconds(60));
            assertThat(delivered).as("copies in %s's INBOX", user).hasSize(1);
            copies.put(user, DeliveredCopy.of(delivered.get(0)));
        }
    }

    @AfterAll
    void deleteTheWebhookAndStopTheConsumer() throws Exception {
        try {
            if (webhookId != null) {
                api("DELETE", "/api/v1/webhooks/" + webhookId, null);
            }
        } finally {
            consumer.close();
        }
    }

    @Test
    @Order(1)
    void everyClickAndOpenReachesAnymailOnceWithItsRecipientCampaignMetadataAndUrl() throws Exception {
        for (String user : RECIPIENTS) {
            assertThat(tracker.get(copies.get(user).htmlLinks().get(0)).statusCode()).isEqualTo(302);
            assertThat(tracker.get(pixel(user)).statusCode()).isEqualTo(200);
        }
        List<JsonNode> events = awaitEvents("the clicks and opens", 6);
        assertThat(events).extracting(event -> event.path("event_id").asText()).doesNotHaveDuplicates();
        for (String user : RECIPIENTS) {
            String address = stack.address(user);
            List<JsonNode> own = events.stream().filter(event -> event.path("recipient").asText().equals(address))
                    .toList();
            assertThat(own).extracting(event -> event.path("event_type").asText())
                    .as("%s's events", user).containsExactlyInAnyOrder("clicked", "opened");
            JsonNode click = own.stream().filter(event -> event.path("event_type").asText().equals("clicked"))
                    .findFirst().orElseThrow();
            assertThat(click.path("click_url").asText()).isEqualTo(BOOTS);
            for (JsonNode event : own) {
                assertThat(event.path("esp_name").asText()).isEqualTo("SparkPost");
                assertThat(event.path("tags").toString()).isEqualTo("[\"" + campaign + "\"]");
                assertThat(event.path("metadata").path("customer_tier").asText()).isEqualTo("gold");
                assertThat(event.path("metadata").path("list").asText()).isEqualTo("autumn-2026");
                assertThat(event.path("message_id").asText()).as("transmission_id, the mail's message key")
                        .isEqualTo(own.get(0).path("message_id").asText()).isNotBlank();
                assertThat(event.path("timestamp").asText()).startsWith(Instant.now().toString().substring(0, 4));
            }
        }
        assertThat(events.stream().map(event -> event.path("message_id").asText()).collect(Collectors.toSet()))
                .as("one mail, so one transmission_id for all three recipients").hasSize(1);
    }

    @Test
    @Order(2)
    void whileTheConsumerIsDownNothingIsLostAndItAllArrivesOnceAfterItIsBack() throws Exception {
        consumer.stop();
        for (String user : RECIPIENTS) {
            assertThat(tracker.get(copies.get(user).htmlLinks().get(1)).statusCode()).isEqualTo(302);
        }
        awaitBatchStatus("a failed try while the consumer is down", batches -> batches.stream().anyMatch(batch ->
                batch.path("status").asText().equals("pending") && batch.path("attempts").asInt() >= 1));
        Thread.sleep(OUTAGE.toMillis());
        consumer.start(0);

        List<JsonNode> events = awaitEvents("the clicks made while the consumer was down", 9);
        assertThat(events).extracting(event -> event.path("event_id").asText()).doesNotHaveDuplicates();
        assertThat(events.stream().filter(event -> CARE_GUIDE.equals(event.path("click_url").asText()))
                .map(event -> event.path("recipient").asText()).toList())
                .containsExactlyInAnyOrderElementsOf(RECIPIENTS.stream().map(stack::address).toList());
    }

    @Test
    @Order(3)
    void whenTheConsumerRefusesTheFirstTriesEachBatchArrivesOnceWithOneBatchIdOnEveryTry() throws Exception {
        consumer.stop();
        consumer.start(2);
        for (String user : RECIPIENTS) {
            assertThat(tracker.get(pixel(user)).statusCode()).isEqualTo(200);
        }
        List<JsonNode> events = awaitEvents("the second opens", 12);
        assertThat(events).extracting(event -> event.path("event_id").asText()).doesNotHaveDuplicates();
        List<JsonNode> secondOpens = events.subList(9, 12);
        assertThat(secondOpens).extracting(event -> event.path("event_type").asText()).containsOnly("opened");
        Set<String> batches = secondOpens.stream().map(event -> event.path("batch_id").asText())
                .collect(Collectors.toSet());
        Map<String, List<Integer>> tries = new HashMap<>();
        for (JsonNode attempt : consumer.attempts()) {
            tries.computeIfAbsent(attempt.path("batch_id").asText(), id -> new ArrayList<>())
                    .add(attempt.path("status").asInt());
        }
        for (String batch : batches) {
            assertThat(tries.get(batch)).as("the tries of batch %s", batch).containsExactly(500, 500, 200);
        }
        awaitBatchStatus("the batches delivered after their third try", all -> all.stream()
                .filter(batch -> batches.contains(batch.path("batch_id").asText()))
                .filter(batch -> batch.path("status").asText().equals("delivered")
                        && batch.path("attempts").asInt() == 3).count() == batches.size());
    }

    private String pixel(String user) {
        return copies.get(user).images().stream().filter(src -> src.startsWith(stack.openPrefix())).findFirst()
                .orElseThrow();
    }

    /**
     * The consumer's events of this campaign once there are {@code count} and every batch of the webhook is
     * delivered (so a late duplicate would already be there).
     */
    private List<JsonNode> awaitEvents(String what, int count) throws Exception {
        Instant deadline = Instant.now().plus(DELIVERY);
        while (true) {
            List<JsonNode> events = consumer.events().stream()
                    .filter(event -> event.path("tags").toString().contains("\"" + campaign + "\"")).toList();
            if (events.size() >= count && batchStatus().stream()
                    .noneMatch(batch -> batch.path("status").asText().equals("pending"))) {
                return events;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("anymail did not get " + what + " within " + DELIVERY.toSeconds()
                        + " s: " + events.size() + " of " + count + " events; batch-status: " + batchStatus()
                        + "; consumer log:\n" + consumer.log());
            }
            Thread.sleep(250);
        }
    }

    private void awaitBatchStatus(String what, Predicate<List<JsonNode>> condition) throws Exception {
        Instant deadline = Instant.now().plus(DELIVERY);
        while (!condition.test(batchStatus())) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("batch-status did not show " + what + ": " + batchStatus());
            }
            Thread.sleep(250);
        }
    }

    private List<JsonNode> batchStatus() throws IOException, InterruptedException {
        HttpResponse<String> answer = api("GET", "/api/v1/webhooks/" + webhookId + "/batch-status", null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        List<JsonNode> batches = new ArrayList<>();
        JSON.readTree(answer.body()).path("results").forEach(batches::add);
        return batches;
    }

    private HttpResponse<String> api(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.trackerUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", stack.apiKey())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
