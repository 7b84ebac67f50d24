package dev.smtpapi.tracker.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.token.TokenKind;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which opens and clicks are judged a machine's, and why. */
class MachineDetectorTest {
    private static final Instant SENT = Instant.parse("2026-12-02T10:00:00Z");
    private static final Instant LATER = SENT.plus(Duration.ofHours(2));
    private static final String BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
            + "Gecko) Chrome/131.0.0.0 Safari/537.36";
    private final MachineDetector detector = MachineDetector.withClickWindow(Duration.ofSeconds(30));

    private Optional<MachineReason> open(String agent, String address) throws Exception {
        return detector.judge(TokenKind.OPEN, agent, Optional.of(InetAddress.getByName(address)), SENT, LATER);
    }

    @Test
    void a_browser_from_an_ordinary_address_is_a_human() throws Exception {
        assertThat(open(BROWSER, "203.0.113.7")).isEmpty();
        assertThat(detector.judge(TokenKind.OPEN, null, Optional.empty(), SENT, LATER)).isEmpty();
    }

    @Test
    void user_agents_are_matched_in_any_case_anywhere_in_the_string() throws Exception {
        assertThat(open(" Mozilla/5.0 ", "203.0.113.7")).contains(MachineReason.APPLE_MPP);
        assertThat(open("Mozilla/5.0 (via ggpht.com GoogleImageProxy)", "203.0.113.7"))
                .contains(MachineReason.IMAGE_PROXY);
        assertThat(open("YahooMailProxy; https://help.yahoo.com", "203.0.113.7")).contains(MachineReason.IMAGE_PROXY);
        assertThat(open("Mozilla/5.0 HeadlessChrome/120.0", "203.0.113.7")).contains(MachineReason.LINK_SCANNER);
        assertThat(open("CURL/8.5.0", "203.0.113.7")).contains(MachineReason.LINK_SCANNER);
    }

    @Test
    void addresses_in_the_published_ranges_are_machines_whatever_they_say() throws Exception {
        assertThat(open(BROWSER, "17.58.1.2")).contains(MachineReason.APPLE_MPP);
        assertThat(open(BROWSER, "66.249.93.10")).contains(MachineReason.IMAGE_PROXY);
        assertThat(open(BROWSER, "66.249.96.1")).isEmpty();
        assertThat(open(BROWSER, "40.93.255.255")).contains(MachineReason.LINK_SCANNER);
        assertThat(open(BROWSER, "104.47.127.1")).contains(MachineReason.LINK_SCANNER);
        assertThat(open(BROWSER, "104.47.128.1")).isEmpty();
    }

    @Test
    void a_click_within_the_window_after_sending_is_a_scanners_an_open_is_not() throws Exception {
        Optional<InetAddress> client = Optional.of(InetAddress.getByName("203.0.113.7"));
        Instant soon = SENT.plusSeconds(10);
        assertThat(detector.judge(TokenKind.CLICK, BROWSER, client, SENT, soon)).contains(MachineReason.LINK_SCANNER);
        assertThat(detector.judge(TokenKind.CLICK, BROWSER, client, SENT, SENT.plusSeconds(31))).isEmpty();
        assertThat(detector.judge(TokenKind.OPEN, BROWSER, client, SENT, soon)).isEmpty();
        assertThat(MachineDetector.withClickWindow(Duration.ZERO).judge(TokenKind.CLICK, BROWSER, client, SENT, soon))
                .isEmpty();
    }
}
