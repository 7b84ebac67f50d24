package dev.smtpapi.tracker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.smtpapi.config.InvalidOptionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The properties file and the environment, and how a bad value stops the start naming its option. */
class TrackerSettingsLoaderTest {
    @TempDir
    Path directory;
    private Path keys;

    @BeforeEach
    void keyFile() throws Exception {
        keys = directory.resolve("keys");
        Files.writeString(keys, "1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n");
    }

    @Test
    void reads_the_file_and_lets_the_environment_override_it() throws Exception {
        Path file = write("signing_keys_file=" + keys + "\nlisten_port=8081\n"
                + "cassandra_contact_points=10.0.0.5:9142\ntrusted_proxies=10.1.0.0/16, 192.168.1.1\n");

        TrackerSettings settings = TrackerSettingsLoader.load(Optional.of(file.toString()),
                Map.of("SMTPAPI_LISTEN_PORT", "9090", "SMTPAPI_API_KEY", "a-long-enough-api-key"));

        assertThat(settings.listenPort()).isEqualTo(9090);
        assertThat(settings.listenAddress()).isEqualTo("127.0.0.1");
        assertThat(settings.apiKey()).contains("a-long-enough-api-key");
        assertThat(settings.store().contactPoints().get(0).getPort()).isEqualTo(9142);
        assertThat(settings.trustedProxies()).hasSize(2);
    }

    @Test
    void the_environment_may_name_the_file() throws Exception {
        Path file = write("signing_keys_file=" + keys + "\nlisten_port=7070\n");

        TrackerSettings settings = TrackerSettingsLoader.load(Optional.empty(),
                Map.of("SMTPAPI_TRACKER_CONFIG", file.toString()));

        assertThat(settings.listenPort()).isEqualTo(7070);
    }

    @Test
    void a_retired_option_is_skipped_so_an_older_configuration_still_starts() throws Exception {
        Path file = write("signing_keys_file=" + keys + "\nevent_queue_capacity=100000\nlisten_port=7071\n");

        TrackerSettings settings = TrackerSettingsLoader.load(Optional.of(file.toString()), Map.of());

        assertThat(settings.listenPort()).isEqualTo(7071);
        assertThat(TrackerSettings.NAMES).doesNotContain("event_queue_capacity");
    }

    @Test
    void a_bad_value_fails_naming_the_option() throws Exception {
        assertFailsNaming("listen_port", "signing_keys_file=" + keys + "\nlisten_port=99999\n");
        assertFailsNaming("trusted_proxies", "signing_keys_file=" + keys + "\ntrusted_proxies=10.0.0.0/33\n");
        assertFailsNaming("event_batch_size", "signing_keys_file=" + keys + "\nevent_batch_size=lots\n");
        assertFailsNaming("cassandra_consistency", "signing_keys_file=" + keys + "\ncassandra_consistency=MOST\n");
        assertFailsNaming("api_key", "signing_keys_file=" + keys + "\napi_key=short\n");
        assertFailsNaming("signing_keys_file", "signing_keys_file=" + directory.resolve("missing") + "\n");
        assertFailsNaming("signing_keys_file", "listen_port=8080\n");
        assertFailsNaming("listen_prot", "signing_keys_file=" + keys + "\nlisten_prot=8080\n");
    }

    private void assertFailsNaming(String option, String properties) throws Exception {
        Path file = write(properties);
        assertThatThrownBy(() -> TrackerSettingsLoader.load(Optional.of(file.toString()), Map.of()))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("'" + option + "'")
                .satisfies(e -> assertThat(((InvalidOptionException) e).option()).isEqualTo(option));
    }

    private Path write(String properties) throws Exception {
        Path file = Files.createTempFile(directory, "tracker", ".properties");
        Files.writeString(file, "# smtpapi tracker\n" + properties);
        return file;
    }
}
