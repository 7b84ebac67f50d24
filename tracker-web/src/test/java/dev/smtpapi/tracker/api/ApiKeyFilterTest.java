package dev.smtpapi.tracker.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which Authorization headers carry the API key. */
class ApiKeyFilterTest {
    private static final String KEY = "0123456789abcdef-key";
    private final ApiResponses responses = new ApiResponses(new ObjectMapper());

    @Test
    void accepts_the_key_raw_or_as_a_bearer_token() {
        ApiKeyFilter filter = new ApiKeyFilter(Optional.of(KEY), responses);

        assertThat(filter.isAuthorized(KEY)).isTrue();
        assertThat(filter.isAuthorized(" " + KEY + " ")).isTrue();
        assertThat(filter.isAuthorized("Bearer " + KEY)).isTrue();
        assertThat(filter.isAuthorized("bearer " + KEY)).isTrue();
    }

    @Test
    void refuses_no_header_another_key_and_everyone_when_no_key_is_configured() {
        ApiKeyFilter filter = new ApiKeyFilter(Optional.of(KEY), responses);

        assertThat(filter.isAuthorized(null)).isFalse();
        assertThat(filter.isAuthorized(KEY + "x")).isFalse();
        assertThat(filter.isAuthorized("Basic " + KEY)).isFalse();
        assertThat(new ApiKeyFilter(Optional.empty(), responses).isAuthorized(KEY)).isFalse();
    }
}
