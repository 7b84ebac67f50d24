package dev.smtpapi.tracker.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Posts a batch to a webhook's target with the JDK's HTTP client: {@code Content-Type: application/json},
 * {@code X-MessageSystems-Batch-ID}, the webhook's authentication and custom headers, within one timeout for
 * the whole exchange. For OAuth 2 it fetches a token from {@code auth_request_details.url} (a form post of the
 * configured fields, {@code grant_type=client_credentials} unless given), keeps it until shortly before it
 * expires, and fetches a new one when the target answers 400 or 401. Never logs or returns a secret.
 * Thread-safe.
 */
public final class WebhookClient {
    private static final int KEPT_BODY_BYTES = 4096;
    private static final Duration TOKEN_MARGIN = Duration.ofSeconds(30);
    private static final Duration DEFAULT_TOKEN_LIFE = Duration.ofMinutes(30);

    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final String userAgent;
    private final Map<UUID, Token> tokens = new ConcurrentHashMap<>();

    public WebhookClient(HttpClient http, Duration timeout, ObjectMapper mapper, Clock clock, String userAgent) {
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
    }

    /** An HTTP client for webhooks: no redirects followed (a 3xx is not a delivery), HTTP/1.1. */
    public static HttpClient defaultHttpClient(Duration connectTimeout) {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }

    /** Posts the body once (twice for OAuth 2 when a kept token is refused) and says what came back. */
    public DeliveryAttempt post(Webhook webhook, UUID batchId, byte[] body) throws InterruptedException {
        if (webhook.auth() instanceof WebhookAuth.OAuth2 oauth) {
            Token kept = tokens.get(webhook.id());
            boolean fresh = kept == null || !kept.usableFor(oauth, clock.instant());
            Optional<Token> token;
            try {
                token = Optional.of(fresh ? fetchToken(webhook.id(), oauth) : kept);
            } catch (TokenException e) {
                return DeliveryAttempt.noAnswer(e.getMessage());
            }
            DeliveryAttempt attempt = send(webhook, batchId, body, token);
            if (attempt.status() == 400 || attempt.status() == 401) {
                tokens.remove(webhook.id());
                if (!fresh) {
                    try {
                        return send(webhook, batchId, body, Optional.of(fetchToken(webhook.id(), oauth)));
                    } catch (TokenException e) {
                        return DeliveryAttempt.noAnswer(e.getMessage());
                    }
                }
            }
            return attempt;
        }
        return send(webhook, batchId, body, Optional.empty());
    }

    private DeliveryAttempt send(Webhook webhook, UUID batchId, byte[] body, Optional<Token> token)
            throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(webhook.target())
                .timeout(timeout)
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        webhook.customHeaders().forEach(request::header);
        request.setHeader("Content-Type", "application/json");
        request.setHeader("X-MessageSystems-Batch-ID", batchId.toString());
        if (webhook.auth() instanceof WebhookAuth.Basic basic) {
            request.setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (basic.username() + ":" + basic.password()).getBytes(StandardCharsets.UTF_8)));
        }
        token.ifPresent(value -> request.setHeader("Authorization", "Bearer " + value.value()));
        try {
            HttpResponse<String> response = exchange(request.build());
            ImmutableMap.Builder<String, String> headers = ImmutableMap.builder();
            response.headers().map().forEach((name, values) -> {
                if (!name.startsWith(":")) {
                    headers.put(name, String.join(", ", values));
                }
            });
            return DeliveryAttempt.answered(response.statusCode(), response.body(), headers.buildKeepingLast());
        } catch (IOException e) {
            return DeliveryAttempt.noAnswer(problem(e));
        }
    }

    /** One exchange, body included, within the timeout; a late one is cancelled. */
    private HttpResponse<String> exchange(HttpRequest request) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<String>> future = http.sendAsync(request, LimitedBody.handler(KEPT_BODY_BYTES));
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new HttpTimeoutException("no answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause == null ? "request failed" : cause.toString(), cause);
        }
    }

    private Token fetchToken(UUID webhookId, WebhookAuth.OAuth2 oauth) throws InterruptedException, TokenException {
        StringJoiner form = new StringJoiner("&");
        if (!oauth.body().containsKey("grant_type")) {
            form.add("grant_type=client_credentials");
        }
        oauth.body().forEach((name, value) -> form.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(oauth.url())
                .timeout(timeout)
                .header("User-Agent", userAgent)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                .build();
        HttpResponse<String> response;
        try {
            response = exchange(request);
        } catch (IOException e) {
            throw new TokenException("the token request got no answer: " + problem(e));
        }
        if (response.statusCode() / 100 != 2) {
            throw new TokenException("the token request was answered " + response.statusCode());
        }
        JsonNode answer;
        try {
            answer = mapper.readTree(response.body());
        } catch (IOException e) {
            throw new TokenException("the token request's answer is not JSON");
        }
        String accessToken = answer == null ? "" : answer.path("access_token").asText("");
        if (accessToken.isEmpty() || accessToken.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new TokenException("the token request's answer has no usable access_token");
        }
        long seconds = answer.path("expires_in").asLong(0);
        Duration life = seconds > 0 ? Duration.ofSeconds(seconds) : DEFAULT_TOKEN_LIFE;
        Token token = new Token(oauth, accessToken, clock.instant().plus(life));
        tokens.put(webhookId, token);
        return token;
    }

    private static String problem(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return "timeout: " + e.getMessage();
        }
        if (e instanceof ConnectException) {
            return "connection failed" + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Forgets the tokens of a webhook (deleted or changed). */
    public void forget(UUID webhookId) {
        tokens.remove(webhookId);
    }

    /** A bearer token and what it was fetched with; usable until shortly before it expires. */
    private record Token(WebhookAuth.OAuth2 fetchedWith, String value, Instant expiresAt) {
        boolean usableFor(WebhookAuth.OAuth2 auth, Instant now) {
            return fetchedWith.equals(auth) && now.plus(TOKEN_MARGIN).isBefore(expiresAt);
        }

        @Override
        public String toString() {
            return "Token[hidden, expires " + expiresAt + "]";
        }
    }

    private static final class TokenException extends Exception {
        private static final long serialVersionUID = 1L;

        TokenException(String message) {
            super(message);
        }
    }
}
