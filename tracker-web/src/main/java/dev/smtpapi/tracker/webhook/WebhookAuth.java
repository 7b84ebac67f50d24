package dev.smtpapi.tracker.webhook;

import com.google.common.collect.ImmutableMap;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/** How the tracker authenticates to a webhook's target: SparkPost's {@code auth_type} and its details. */
public sealed interface WebhookAuth {

    /** SparkPost's name of the kind: {@code none}, {@code basic} or {@code oauth2}. */
    String type();

    /** No authentication ({@code auth_type: none}). */
    record None() implements WebhookAuth {
        @Override
        public String type() {
            return "none";
        }
    }

    /** HTTP Basic ({@code auth_type: basic}, {@code auth_credentials: {username, password}}). */
    record Basic(String username, String password) implements WebhookAuth {
        public Basic {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String type() {
            return "basic";
        }

        @Override
        public String toString() {
            return "Basic[" + username + ", password hidden]";
        }
    }

    /**
     * An OAuth 2 client-credentials token ({@code auth_type: oauth2}): the fields of {@code body} are posted as
     * a form to {@code url}, and the {@code access_token} of the JSON answer is sent as a Bearer token.
     */
    record OAuth2(URI url, ImmutableMap<String, String> body) implements WebhookAuth {
        public OAuth2 {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(body, "body");
        }

        public static OAuth2 of(URI url, Map<String, String> body) {
            return new OAuth2(url, ImmutableMap.copyOf(body));
        }

        @Override
        public String type() {
            return "oauth2";
        }

        @Override
        public String toString() {
            return "OAuth2[" + url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath() + ", body hidden]";
        }
    }
}
