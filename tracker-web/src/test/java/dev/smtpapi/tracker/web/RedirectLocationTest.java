package dev.smtpapi.tracker.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Location a click answers with: ASCII, and still the page the reader would have opened. */
class RedirectLocationTest {

    @Test
    void anAsciiTargetIsRedirectedToExactlyAsRecorded() {
        String target = "https://shop.example.com/sale?category=tents%20%26%20shelters&sort=price-asc#results";

        assertThat(Responses.asciiLocation(target)).isSameAs(target);
    }

    @Test
    void anInternationalHostBecomesPunycodeAndTheRestIsPercentEncoded() {
        assertThat(Responses.asciiLocation("https://bücher.example/wanderführer?ausgabe=2026"))
                .isEqualTo("https://xn--bcher-kva.example/wanderf%C3%BChrer?ausgabe=2026");
        assertThat(Responses.asciiLocation("http://user@münchen.example:8443/ä"))
                .isEqualTo("http://user@xn--mnchen-3ya.example:8443/%C3%A4");
    }

    @Test
    void controlCharactersCanNeverSplitTheHeader() {
        assertThat(Responses.asciiLocation("https://shop.example/a\r\nSet-Cookie: x=1"))
                .isEqualTo("https://shop.example/a%0D%0ASet-Cookie:%20x=1");
    }
}
