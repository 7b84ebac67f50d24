package dev.smtpapi.tracker.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Webhooks as JSON, in SparkPost's field names: the body of {@code POST}/{@code PUT /api/v1/webhooks} read and
 * checked ({@link #create}, {@link #update}), the API's answer with every secret masked ({@link #toApi}), and
 * the full stored form of the {@code webhooks} table ({@link #toStored}, {@link #fromStored}).
 */
public final class WebhookJson {
    /** What a secret looks like in an answer; sent back unchanged in a {@code PUT}, it keeps the stored value. */
    public static final String MASK = "********";

    /**
     * SparkPost's webhook event types. The tracker only ever sends engagement events ({@code click},
     * {@code open}, {@code initial_open}, {@code link_unsubscribe}, {@code list_unsubscribe}); the others are
     * accepted so that a definition written for SparkPost works unchanged.
     */
    public static final Set<String> EVENT_TYPES = ImmutableSet.of("click", "open", "initial_open",
            "link_unsubscribe", "list_unsubscribe", "amp_click", "amp_open", "amp_initial_open", "delivery",
            "injection", "bounce", "delay", "policy_rejection", "out_of_band", "spam_complaint",
            "generation_failure", "generation_rejection", "relay_injection", "relay_rejection", "relay_delivery",
            "relay_tempfail", "relay_permfail", "sms_status", "ab_test_completed", "ab_test_cancelled",
            "success", "failure");

    private static final Set<String> FIELDS = Set.of("name", "target", "events", "auth_type", "auth_credentials",
            "auth_request_details", "custom_headers", "active");
    private static final int MAX_NAME = 1024;
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");
    /** Set by the tracker itself, or refused by the JDK's HTTP client. */
    private static final Set<String> RESERVED_HEADERS = Set.of("content-type", "content-length",
            "x-messagesystems-batch-id", "authorization", "host", "connection", "expect", "upgrade",
            "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection");
    /** Header names whose values are secrets by the look of them: masked in answers. */
    private static final Pattern SECRET_HEADER = Pattern.compile("(?i).*(auth|token|key|secret|sign|pass|cookie).*");
    /** OAuth form fields that are not secrets; every other one is masked in answers. */
    private static final Set<String> PUBLIC_OAUTH_FIELDS = Set.of("client_id", "grant_type", "scope", "audience");

    private final ObjectMapper mapper;

    public WebhookJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A new webhook from a {@code POST} body; {@code name}, {@code target} and {@code events} are required. */
    public Webhook create(UUID id, JsonNode body) {
        ObjectNode object = object(body);
        return read(id, object, Optional.empty());
    }

    /** The webhook {@code current} with the fields of a {@code PUT} body replaced; absent fields stay. */
    public Webhook update(Webhook current, JsonNode body) {
        return read(current.id(), object(body), Optional.of(current));
    }

    private static ObjectNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidWebhookException("body", "expected a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidWebhookException(name, "unknown field '" + name + "'; known fields: "
                        + new java.util.TreeSet<>(FIELDS));
            }
        }
        return (ObjectNode) body;
    }

    private Webhook read(UUID id, ObjectNode body, Optional<Webhook> current) {
        String name = body.has("name") ? name(body.get("name")) : current.map(Webhook::name)
                .orElseThrow(() -> new InvalidWebhookException("name", "required"));
        URI target = body.has("target") ? httpUrl("target", body.get("target")) : current.map(Webhook::target)
                .orElseThrow(() -> new InvalidWebhookException("target", "required"));
        ImmutableSet<String> events = body.has("events") ? events(body.get("events"))
                : current.map(Webhook::events).orElseThrow(() -> new InvalidWebhookException("events", "required"));
        WebhookAuth auth = auth(body, current.map(Webhook::auth));
        ImmutableMap<String, String> headers = body.has("custom_headers")
                ? headers(body.get("custom_headers"), current.map(Webhook::customHeaders).orElse(ImmutableMap.of()))
                : current.map(Webhook::customHeaders).orElse(ImmutableMap.of());
        boolean active = true;
        if (body.has("active")) {
            if (!body.get("active").isBoolean()) {
                throw new InvalidWebhookException("active", "expected true or false");
            }
            active = body.get("active").booleanValue();
        } else if (current.isPresent()) {
            active = current.get().active();
        }
        return new Webhook(id, name, target, events, auth, headers, active);
    }

    private static String name(JsonNode value) {
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidWebhookException("name", "expected a non-empty string");
        }
        if (value.asText().length() > MAX_NAME) {
            throw new InvalidWebhookException("name", "at most " + MAX_NAME + " characters");
        }
        return value.asText();
    }

    /** An absolute http or https URL with a host and no user information (credentials go in auth_*). */
    static URI httpUrl(String field, JsonNode value) {
        if (value == null || !value.isTextual()) {
            throw new InvalidWebhookException(field, "expected an http or https URL as a string");
        }
        URI uri;
        try {
            uri = new URI(value.asText().strip());
        } catch (URISyntaxException e) {
            throw new InvalidWebhookException(field, "not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidWebhookException(field, "must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new InvalidWebhookException(field, "must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new InvalidWebhookException(field, "must not carry credentials; use auth_type and auth_credentials");
        }
        if (uri.getRawFragment() != null) {
            throw new InvalidWebhookException(field, "must not have a #fragment");
        }
        return uri;
    }

    private static ImmutableSet<String> events(JsonNode value) {
        if (!value.isArray() || value.isEmpty()) {
            throw new InvalidWebhookException("events", "expected a non-empty array of event types");
        }
        ImmutableSet.Builder<String> events = ImmutableSet.builder();
        for (JsonNode event : value) {
            if (!event.isTextual() || !EVENT_TYPES.contains(event.asText())) {
                throw new InvalidWebhookException("events", "unknown event type " + event + "; known types: "
                        + new java.util.TreeSet<>(EVENT_TYPES));
            }
            events.add(event.asText());
        }
        return events.build();
    }

    private static WebhookAuth auth(ObjectNode body, Optional<WebhookAuth> current) {
        String type = body.has("auth_type") ? text(body.get("auth_type"), "auth_type")
                : current.map(WebhookAuth::type).orElse("none");
        switch (type) {
            case "none":
                if (body.has("auth_credentials") || body.has("auth_request_details")) {
                    String field = body.has("auth_credentials") ? "auth_credentials" : "auth_request_details";
                    throw new InvalidWebhookException(field, "given with auth_type none; set auth_type to basic "
                            + "or oauth2");
                }
                return new WebhookAuth.None();
            case "basic":
                return basic(body.get("auth_credentials"), current.filter(WebhookAuth.Basic.class::isInstance)
                        .map(WebhookAuth.Basic.class::cast));
            case "oauth2":
                return oauth2(body.get("auth_request_details"), current.filter(WebhookAuth.OAuth2.class::isInstance)
                        .map(WebhookAuth.OAuth2.class::cast));
            default:
                throw new InvalidWebhookException("auth_type", "expected none, basic or oauth2, was '" + type + "'");
        }
    }

    private static WebhookAuth.Basic basic(JsonNode credentials, Optional<WebhookAuth.Basic> current) {
        if (credentials == null || credentials.isNull()) {
            return current.orElseThrow(() -> new InvalidWebhookException("auth_credentials",
                    "required for auth_type basic: {\"username\": …, \"password\": …}"));
        }
        if (!credentials.isObject()) {
            throw new InvalidWebhookException("auth_credentials", "expected {\"username\": …, \"password\": …}");
        }
        String username = text(credentials.get("username"), "auth_credentials.username");
        if (username.contains(":")) {
            throw new InvalidWebhookException("auth_credentials.username", "must not contain ':' (HTTP Basic)");
        }
        String password = text(credentials.get("password"), "auth_credentials.password");
        if (password.equals(MASK) && current.isPresent()) {
            password = current.get().password();
        }
        return new WebhookAuth.Basic(username, password);
    }

    private static WebhookAuth.OAuth2 oauth2(JsonNode details, Optional<WebhookAuth.OAuth2> current) {
        if (details == null || details.isNull()) {
            return current.orElseThrow(() -> new InvalidWebhookException("auth_request_details",
                    "required for auth_type oauth2: {\"url\": …, \"body\": {\"client_id\": …, \"client_secret\": …}}"));
        }
        if (!details.isObject()) {
            throw new InvalidWebhookException("auth_request_details", "expected {\"url\": …, \"body\": {…}}");
        }
        URI url = httpUrl("auth_request_details.url", details.get("url"));
        JsonNode body = details.get("body");
        if (body == null || !body.isObject() || body.isEmpty()) {
            throw new InvalidWebhookException("auth_request_details.body",
                    "expected the form fields of the token request, such as client_id and client_secret");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> old = current.map(WebhookAuth.OAuth2::body).orElse(ImmutableMap.of());
        body.fields().forEachRemaining(field -> {
            String value = text(field.getValue(), "auth_request_details.body." + field.getKey());
            fields.put(field.getKey(), value.equals(MASK) && old.containsKey(field.getKey()) ? old.get(field.getKey())
                    : value);
        });
        return WebhookAuth.OAuth2.of(url, fields);
    }

    private static ImmutableMap<String, String> headers(JsonNode value, Map<String, String> current) {
        if (value.isNull()) {
            return ImmutableMap.of();
        }
        if (!value.isObject()) {
            throw new InvalidWebhookException("custom_headers", "expected an object of header names and values");
        }
        ImmutableMap.Builder<String, String> headers = ImmutableMap.builder();
        value.fields().forEachRemaining(field -> {
            String name = field.getKey();
            String param = "custom_headers." + name;
            if (!HEADER_NAME.matcher(name).matches()) {
                throw new InvalidWebhookException("custom_headers", "not a valid header name: " + quoted(name));
            }
            if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new InvalidWebhookException(param, "set by the tracker itself; use auth_type for "
                        + "Authorization");
            }
            String text = text(field.getValue(), param);
            if (text.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw new InvalidWebhookException(param, "must not contain line breaks");
            }
            headers.put(name, text.equals(MASK) && current.containsKey(name) ? current.get(name) : text);
        });
        return headers.buildKeepingLast();
    }

    private static String text(JsonNode value, String field) {
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new InvalidWebhookException(field, "expected a non-empty string");
        }
        return value.asText();
    }

    private static String quoted(String text) {
        return "'" + (text.length() > 64 ? text.substring(0, 64) + "…" : text) + "'";
    }

    /** The webhook as the API answers: passwords, token-request secrets and secret-looking headers masked. */
    public ObjectNode toApi(Webhook webhook) {
        return write(webhook, true);
    }

    /** The stored form, with every secret: for the {@code webhooks} table only. */
    public String toStored(Webhook webhook) {
        try {
            return mapper.writeValueAsString(write(webhook, false));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write webhook " + webhook.id(), e);
        }
    }

    /** Reads a stored webhook back (it was checked when it was written). */
    public Webhook fromStored(UUID id, String stored) {
        try {
            return read(id, (ObjectNode) mapper.readTree(stored), Optional.empty());
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("webhook " + id + " is stored in a form this tracker cannot read", e);
        }
    }

    private ObjectNode write(Webhook webhook, boolean masked) {
        ObjectNode json = mapper.createObjectNode();
        if (masked) {
            json.put("id", webhook.id().toString());
        }
        json.put("name", webhook.name());
        json.put("target", webhook.target().toString());
        webhook.events().forEach(json.putArray("events")::add);
        json.put("auth_type", webhook.auth().type());
        if (webhook.auth() instanceof WebhookAuth.Basic basic) {
            ObjectNode credentials = json.putObject("auth_credentials");
            credentials.put("username", basic.username());
            credentials.put("password", masked ? MASK : basic.password());
        } else if (webhook.auth() instanceof WebhookAuth.OAuth2 oauth) {
            ObjectNode details = json.putObject("auth_request_details");
            details.put("url", oauth.url().toString());
            ObjectNode body = details.putObject("body");
            oauth.body().forEach((field, value) -> body.put(field,
                    masked && !PUBLIC_OAUTH_FIELDS.contains(field) ? MASK : value));
        }
        ObjectNode headers = json.putObject("custom_headers");
        webhook.customHeaders().forEach((name, value) -> headers.put(name,
                masked && SECRET_HEADER.matcher(name).matches() ? MASK : value));
        json.put("active", webhook.active());
        return json;
    }
}
