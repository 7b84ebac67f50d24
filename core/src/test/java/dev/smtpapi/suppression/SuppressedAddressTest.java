package dev.smtpapi.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SuppressedAddressTest {
    @Test
    void theDomainIsLowerCasedAndTheLocalPartKeptAsGiven() {
        assertThat(SuppressedAddress.of(" <John.Smith@Mail.Example.COM> ").value())
                .isEqualTo("John.Smith@mail.example.com");
    }

    @Test
    void aQuotedLocalPartWithAnAtSignKeepsItsLastAtAsTheSeparator() {
        assertThat(SuppressedAddress.of("\"a@b\"@Example.com").value()).isEqualTo("\"a@b\"@example.com");
        assertThat(SuppressedAddress.of("\"a@b\"@Example.com").domain()).isEqualTo("example.com");
        assertThat(SuppressedAddress.of("\"John Smith\"@Example.com").value()).isEqualTo("\"John Smith\"@example.com");
    }

    @Test
    void somethingThatIsNotAnAddressIsRefusedWithTheReason() {
        for (String bad : new String[] {"", "nobody", "@example.com", "bob@", "bob smith@example.com",
                "bob@example.com.", "bob@\u0000example.com"}) {
            assertThatThrownBy(() -> SuppressedAddress.of(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("address");
        }
    }
}
