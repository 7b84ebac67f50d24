package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.smtpapi.mailet.MailetSettings.Scheme;
import jakarta.mail.MessagingException;
import java.nio.file.Path;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The init parameters: Momentum's defaults, and init() failing with the name of a bad one. */
class MailetSettingsTest {
    @TempDir
    Path dir;

    @Test
    void withOnlyTheKeyFileEveryOptionHasMomentumsDefault() throws Exception {
        EngagementTracking mailet = new EngagementTracking();
        mailet.init(FakeMailetConfig.builder().mailetContext(FakeMailContext.defaultContext())
                .setProperty("signing_keys_file", TestMail.signingKeys(dir).toString()).build());

        MailetSettings configuration = mailet.settings();
        assertThat(configuration.openTracking()).isFalse();
        assertThat(configuration.clickTracking()).isFalse();
        assertThat(configuration.openScheme()).isEqualTo(Scheme.HTTP);
        assertThat(configuration.clickScheme()).isEqualTo(Scheme.HTTP);
        assertThat(configuration.trackingDomain()).isEqualTo("localhost:8080");
        assertThat(configuration.linkExpiry().getSeconds()).isEqualTo(31_536_000L);
        assertThat(configuration.clickEventsCarryMetadata()).isTrue();
        assertThat(configuration.maxMetadataLength()).isEqualTo(1000);
        assertThat(configuration.initialOpen()).isFalse();
        assertThat(configuration.onStoreFailure().processor()).isEmpty();
        assertThat(configuration.store().keyspace()).isEqualTo("smtpapi");
        mailet.destroy();
    }

    @Test
    void everyOptionIsReadUnderItsMomentumName() throws Exception {
        EngagementTracking mailet = new EngagementTracking();
        mailet.init(FakeMailetConfig.builder().mailetContext(FakeMailContext.defaultContext())
                .setProperty("signing_keys_file", TestMail.signingKeys(dir).toString())
                .setProperty("open_tracking_enabled", "1")
                .setProperty("click_tracking_enabled", "TRUE")
                .setProperty("open_tracking_scheme", "https")
                .setProperty("click_tracking_scheme", "HTTPS")
                .setProperty("tracking_domain", "click.northwind-mail.example:8443")
                .setProperty("tracking_link_expiry", "604800")
                .setProperty("click_tracking_include_metadata", "false")
                .setProperty("max_metadata_len", "250")
                .setProperty("initial_open_enabled", "true")
                .setProperty("on_store_failure", "tracking-retry")
                .build());

        MailetSettings configuration = mailet.settings();
        assertThat(configuration.openTracking()).isTrue();
        assertThat(configuration.clickTracking()).isTrue();
        assertThat(configuration.openScheme()).isEqualTo(Scheme.HTTPS);
        assertThat(configuration.clickScheme()).isEqualTo(Scheme.HTTPS);
        assertThat(configuration.trackingDomain()).isEqualTo("click.northwind-mail.example:8443");
        assertThat(configuration.linkExpiry().toDays()).isEqualTo(7);
        assertThat(configuration.clickEventsCarryMetadata()).isFalse();
        assertThat(configuration.maxMetadataLength()).isEqualTo(250);
        assertThat(configuration.initialOpen()).isTrue();
        assertThat(configuration.onStoreFailure().processor()).contains("tracking-retry");
        mailet.destroy();
    }

    @Test
    void aBadParameterFailsInitNamingItAndItsValue() {
        assertInitFails("open_tracking_enabled", "yes", "open_tracking_enabled", "'yes'");
        assertInitFails("click_tracking_scheme", "ftp", "click_tracking_scheme", "'ftp'");
        assertInitFails("tracking_domain", "https://click.example.com/", "tracking_domain",
                "'https://click.example.com/'");
        assertInitFails("tracking_link_expiry", "-5", "tracking_link_expiry", "-5");
        assertInitFails("max_metadata_len", "lots", "max_metadata_len", "'lots'");
        assertInitFails("on_store_failure", "send it somewhere", "on_store_failure", "'send it somewhere'");
        assertInitFails("cassandra_consistency", "MOST", "cassandra_consistency", "'MOST'");
    }

    @Test
    void theKeyFileIsRequiredAndMustHoldAKey() throws Exception {
        assertThatThrownBy(() -> new EngagementTracking().init(FakeMailetConfig.builder()
                .mailetContext(FakeMailContext.defaultContext()).build()))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("signing_keys_file");

        Path empty = dir.resolve("empty.keys");
        java.nio.file.Files.writeString(empty, "# no keys yet\n");
        assertThatThrownBy(() -> new EngagementTracking().init(FakeMailetConfig.builder()
                .mailetContext(FakeMailContext.defaultContext())
                .setProperty("signing_keys_file", empty.toString()).build()))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("signing_keys_file")
                .hasMessageContaining("no key found");
    }

    @Test
    void theCassandraPasswordIsNeverRepeatedInAnError() {
        assertThatThrownBy(() -> new EngagementTracking().init(FakeMailetConfig.builder()
                .mailetContext(FakeMailContext.defaultContext())
                .setProperty("signing_keys_file", TestMail.signingKeys(dir).toString())
                .setProperty("cassandra_password", "s3cret-Pa55").build()))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("cassandra_username")
                .hasMessageNotContaining("s3cret-Pa55");
    }

    private void assertInitFails(String option, String value, String... messageParts) {
        FakeMailetConfig config = FakeMailetConfig.builder().mailetContext(FakeMailContext.defaultContext())
                .setProperty("signing_keys_file", TestMail.signingKeys(dir).toString())
                .setProperty(option, value)
                .build();
        assertThatThrownBy(() -> new EngagementTracking().init(config))
                .as("%s=%s", option, value)
                .isInstanceOf(MessagingException.class)
                .message().contains(messageParts);
    }
}
