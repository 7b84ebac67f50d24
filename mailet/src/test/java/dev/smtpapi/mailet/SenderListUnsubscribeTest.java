package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class SenderListUnsubscribeTest {
    @Test
    void mailtosAreKeptAndTheFirstHttpsUrlIsWhereOneClickIsForwarded() {
        SenderListUnsubscribe sender = SenderListUnsubscribe.parse(
                "<mailto:leave@lists.example.org?subject=unsubscribe>,\r\n <https://lists.example.org/u/1>, "
                        + "<https://lists.example.org/u/2>");

        assertThat(sender.mailtos()).containsExactly("mailto:leave@lists.example.org?subject=unsubscribe");
        assertThat(sender.httpsUrl()).contains(URI.create("https://lists.example.org/u/1"));
    }

    @Test
    void plainHttpCommentsAndBrokenEntriesAreDropped() {
        SenderListUnsubscribe sender = SenderListUnsubscribe.parse(
                "(Use this) <http://lists.example.org/u/1>, <https://>, <mailto:>, <https://exa mple.org/x"
                        + "\r\n\tmore>, <javascript:alert(1)>");

        assertThat(sender.mailtos()).isEmpty();
        assertThat(sender.httpsUrl()).as("folding whitespace inside <> is not part of the URI")
                .contains(URI.create("https://example.org/xmore"));
    }

    @Test
    void aHeaderWithoutAngleBracketsOffersNothing() {
        assertThat(SenderListUnsubscribe.parse("https://lists.example.org/u/1")).isEqualTo(SenderListUnsubscribe.none());
    }
}
