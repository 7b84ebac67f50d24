package dev.smtpapi.tracker.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.tracker.api.ApiResponses;
import dev.smtpapi.tracker.event.EventJson;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SparkPost's webhooks API under {@code /api/v1/webhooks}: create ({@code POST}), list ({@code GET}), read,
 * change and delete one ({@code GET}/{@code PUT}/{@code DELETE /{id}}), {@code POST /{id}/validate} (posts
 * SparkPost's ping batch {@code [{"msys":{}}]} to the target and answers with what it said) and
 * {@code GET /{id}/batch-status}. Answers are {@code {"results": …}}; errors {@code {"errors": [{"message",
 * "description", "param"}]}}. Secrets are never answered in full (see {@link WebhookJson#toApi}).
 */
public final class WebhooksServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WebhooksServlet.class);
    private static final int MAX_BODY_BYTES = 256 * 1024;
    private static final int DEFAULT_BATCH_LIMIT = 1000;
    private static final int MAX_BATCH_LIMIT = 10_000;

    private final transient WebhookStore store;
    private final transient WebhookRegistry registry;
    private final transient WebhookJson json;
    private final transient WebhookClient client;
    private final transient ObjectMapper mapper;
    private final transient ApiResponses api;
    private final int retryAfterSeconds;

    /** Mapped under {@code /api/}, so the API key filter has already let the request in. */
    public WebhooksServlet(WebhookStore store, WebhookRegistry registry, WebhookJson json, WebhookClient client,
            ApiResponses api, int retryAfterSeconds) {
        this.store = store;
        this.registry = registry;
        this.json = json;
        this.client = client;
        this.api = api;
        this.mapper = api.mapper();
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String[] path = Optional.ofNullable(request.getPathInfo()).orElse("/").replaceAll("^/+|/+$", "").split("/");
        String method = request.getMethod();
        try {
            if (path.length == 1 && path[0].isEmpty()) {
                switch (method) {
                    case "GET" -> list(response);
                    case "POST" -> create(request, response);
                    default -> notAllowed(response, "GET, POST");
                }
                return;
            }
            UUID id = id(path[0]);
            if (path.length == 1) {
                switch (method) {
                    case "GET" -> read(id, response);
                    case "PUT" -> update(id, request, response);
                    case "DELETE" -> delete(id, response);
                    default -> notAllowed(response, "GET, PUT, DELETE");
                }
            } else if (path.length == 2 && path[1].equals("validate")) {
                if (method.equals("POST")) {
                    validate(id, request, response);
                } else {
                    notAllowed(response, "POST");
                }
            } else if (path.length == 2 && path[1].equals("batch-status")) {
                if (method.equals("GET")) {
                    batchStatus(id, request, response);
                } else {
                    notAllowed(response, "GET");
                }
            } else {
                api.notFound(response);
            }
        } catch (InvalidWebhookException e) {
            api.error(response, HttpServletResponse.SC_BAD_REQUEST, "invalid params", e.getMessage(), e.param());
        } catch (NoSuchWebhook e) {
            api.error(response, HttpServletResponse.SC_NOT_FOUND, "resource not found", "Webhook does not exist", null);
        } catch (StoreUnavailableException e) {
            LOG.warn("webhooks API: {}", e.getMessage());
            api.unavailable(response, retryAfterSeconds, "the webhooks");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            api.error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Service unavailable.", "stopping", null);
        }
    }

    private void list(HttpServletResponse response) throws IOException {
        ObjectNode body = mapper.createObjectNode();
        ArrayNode results = body.putArray("results");
        store.all().stream().sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(webhook -> results.add(json.toApi(webhook)));
        api.ok(response, body);
    }

    private void create(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Webhook webhook = json.create(UUID.randomUUID(), body(request));
        store.save(webhook);
        registry.put(webhook);
        LOG.info("webhook {} created: '{}' -> {}, events {}, auth {}", webhook.id(), escaped(webhook.name()),
                webhook.loggableTarget(), webhook.events(), webhook.auth().type());
        ObjectNode body = mapper.createObjectNode();
        ObjectNode results = body.putObject("results");
        results.put("id", webhook.id().toString());
        results.put("name", webhook.name());
        ObjectNode self = results.putArray("links").addObject();
        self.put("href", request.getRequestURI().replaceAll("/+$", "") + "/" + webhook.id());
        self.put("rel", "urn.msys.webhooks.webhook");
        self.putArray("method").add("GET").add("PUT").add("DELETE");
        api.ok(response, body);
    }

    private void read(UUID id, HttpServletResponse response) throws IOException {
        Webhook webhook = store.find(id).orElseThrow(NoSuchWebhook::new);
        ObjectNode body = mapper.createObjectNode();
        body.set("results", json.toApi(webhook));
        api.ok(response, body);
    }

    private void update(UUID id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Webhook current = store.find(id).orElseThrow(NoSuchWebhook::new);
        Webhook changed = json.update(current, body(request));
        store.save(changed);
        registry.put(changed);
        client.forget(id);
        LOG.info("webhook {} changed: '{}' -> {}, events {}, auth {}, active {}", id, escaped(changed.name()),
                changed.loggableTarget(), changed.events(), changed.auth().type(), changed.active());
        ObjectNode body = mapper.createObjectNode();
        body.putObject("results").put("id", id.toString());
        api.ok(response, body);
    }

    private void delete(UUID id, HttpServletResponse response) {
        if (!store.delete(id)) {
            throw new NoSuchWebhook();
        }
        registry.remove(id);
        client.forget(id);
        LOG.info("webhook {} deleted", id);
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private void validate(UUID id, HttpServletRequest request, HttpServletResponse response)
            throws IOException, InterruptedException {
        Webhook webhook = store.find(id).orElseThrow(NoSuchWebhook::new);
        byte[] ping = BatchPayload.PING;
        JsonNode given = request.getContentLengthLong() == 0 ? null : optionalBody(request);
        if (given != null && given.has("message")) {
            JsonNode message = given.get("message");
            if (!message.isObject()) {
                throw new InvalidWebhookException("message", "expected an object such as {\"msys\": {}}");
            }
            ping = mapper.writeValueAsBytes(mapper.createArrayNode().add(message));
        }
        DeliveryAttempt attempt = client.post(webhook, UUID.randomUUID(), ping);
        ObjectNode body = mapper.createObjectNode();
        ObjectNode results = body.putObject("results");
        results.put("msg", attempt.delivered() ? "Test POST to endpoint succeeded" : "Test POST to endpoint failed");
        ObjectNode answered = results.putObject("response");
        answered.put("status", attempt.status());
        ObjectNode headers = answered.putObject("headers");
        attempt.headers().forEach(headers::put);
        answered.put("body", attempt.bodyStart());
        attempt.problem().ifPresent(problem -> answered.put("error", problem));
        api.ok(response, body);
    }

    private void batchStatus(UUID id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        int limit = limit(request.getParameter("limit"));
        store.find(id).orElseThrow(NoSuchWebhook::new);
        List<BatchStatus> batches = store.batches(id, limit);
        ObjectNode body = mapper.createObjectNode();
        ArrayNode results = body.putArray("results");
        for (BatchStatus batch : batches) {
            ObjectNode row = results.addObject();
            row.put("batch_id", batch.batchId().toString());
            row.put("ts", EventJson.timestamp(batch.updatedAt()));
            row.put("attempts", batch.attempts());
            row.put("response_code", batch.responseCode());
            if (batch.state() == BatchStatus.State.FAILED) {
                row.put("failure_code", batch.responseCode());
            }
            row.put("status", batch.state().code());
            row.put("events", batch.events());
        }
        api.ok(response, body);
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_BATCH_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value.strip());
            if (limit >= 1 && limit <= MAX_BATCH_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidWebhookException("limit", "expected a whole number from 1 to " + MAX_BATCH_LIMIT);
    }

    private static UUID id(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new NoSuchWebhook();
        }
    }

    private JsonNode body(HttpServletRequest request) throws IOException {
        JsonNode body = optionalBody(request);
        if (body == null) {
            throw new InvalidWebhookException("body", "expected a JSON object");
        }
        return body;
    }

    private JsonNode optionalBody(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new InvalidWebhookException("body", "larger than " + MAX_BODY_BYTES + " bytes");
            }
            if (bytes.length == 0) {
                return null;
            }
            return mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new InvalidWebhookException("body", "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String escaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().limit(200).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private void notAllowed(HttpServletResponse response, String allowed) throws IOException {
        response.setHeader("Allow", allowed);
        api.error(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method not allowed.", "use " + allowed, null);
    }

    private static final class NoSuchWebhook extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoSuchWebhook() {
            super(null, null, false, false);
        }
    }
}
