package dev.smtpapi.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Links are found as a reader's software finds them: {@code href} values as a browser parses them, URLs in plain
 * text as a linkifier marks them, so the click is recorded for the page the reader would have opened.
 */
class BrowserLinksTest {

    private static final String HEADERS = "From: Northwind News <news@northwind-outdoor.example>\r\n"
            + "To: ana@example.org\r\nSubject: This week at Northwind\r\nDate: Mon, 20 Apr 2026 06:00:00 +0000\r\n"
            + "MIME-Version: 1.0\r\n";

    static Stream<Arguments> plainTextLines() {
        return Stream.of(
                Arguments.of("Read the [docs](https://a.example/x)[next](https://b.example/) first.",
                        List.of("https://a.example/x", "https://b.example/")),
                Arguments.of("Markdown emphasis: _http://example.com_ and *https://example.org/sale*.",
                        List.of("http://example.com", "https://example.org/sale")),
                Arguments.of("Not links: http://.example.com http://-example.com http://# http:// https://?q",
                        List.of()),
                Arguments.of("Nor these: http://example-.com/x http://a..example/ http://example.com:80a/",
                        List.of()),
                Arguments.of("Quotes in a path: http://foo.com/blah_blah_\"doublequoted\" and "
                                + "http://foo.com/blah_blah_'singlequoted' and http://foo.com/blah_blah_{I'm_king}",
                        List.of("http://foo.com/blah_blah_\"doublequoted\"", "http://foo.com/blah_blah_'singlequoted'",
                                "http://foo.com/blah_blah_{I'm_king}")),
                Arguments.of("A pool: http://www.kmart.com/bestway-10'-x-30inch-steel-pro-frame-pool/p-004W007538417001P",
                        List.of("http://www.kmart.com/bestway-10'-x-30inch-steel-pro-frame-pool/p-004W007538417001P")),
                Arguments.of("\"Quoted like http://example.com/foo_bar\" and 'quoted like http://example.com/foo_baz'",
                        List.of("http://example.com/foo_bar", "http://example.com/foo_baz")),
                Arguments.of("(see https://x.example/a) [https://x.example/b] {https://x.example/c} https://x.example/d.",
                        List.of("https://x.example/a", "https://x.example/b", "https://x.example/c", "https://x.example/d")),
                Arguments.of("Trailing: https://x.example/e, https://x.example/f; https://x.example/g! https://x.example/h?",
                        List.of("https://x.example/e", "https://x.example/f", "https://x.example/g", "https://x.example/h")),
                Arguments.of("Brackets that belong: https://en.wikipedia.org/wiki/Mail_(disambiguation) and "
                                + "http://example.com/foo-(with-nested-(parens)).",
                        List.of("https://en.wikipedia.org/wiki/Mail_(disambiguation)",
                                "http://example.com/foo-(with-nested-(parens))")),
                Arguments.of("Angle brackets: <http://domain.example/foo>. Ports and users: "
                                + "http://user:pass@example.com:8080/x http://localhost:8000? http://[::1]:8080/health",
                        List.of("http://domain.example/foo", "http://user:pass@example.com:8080/x",
                                "http://localhost:8000", "http://[::1]:8080/health")),
                Arguments.of("Other schemes stay: ftp://example.com mailto:ana@example.org xhttp://example.com "
                                + "but HTTPS://WWW.EXAMPLE.COM/A counts",
                        List.of("HTTPS://WWW.EXAMPLE.COM/A")),
                Arguments.of("International: http://www.bürgerentscheid-krankenhäuser.de/ and "
                                + "http://lyricstranslate.com/en/someone-you-നിന്നെ-പോലൊരാള്.html",
                        List.of("http://www.bürgerentscheid-krankenhäuser.de/",
                                "http://lyricstranslate.com/en/someone-you-നിന്നെ-പോലൊരാള്.html")),
                Arguments.of("Japanese: https://shop.example.jp/saleはこちら、https://shop.example.jp/b。｜http://google.com｜bar",
                        List.of("https://shop.example.jp/sale", "https://shop.example.jp/b", "http://google.com")),
                Arguments.of("Search: https://www.google.com/maps/place/New+York,+NY,+USA/@40.702271,-73.9968471,11z?hl=en",
                        List.of("https://www.google.com/maps/place/New+York,+NY,+USA/@40.702271,-73.9968471,11z?hl=en")));
    }

    @ParameterizedTest
    @MethodSource("plainTextLines")
    void a_plain_text_url_is_what_a_linkifier_marks(String line, List<String> expected) {
        byte[] raw = (HEADERS + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "Hello Ana,\r\n\r\n" + line + "\r\n").getBytes(StandardCharsets.UTF_8);
        TrackableMessage message = TrackableMessage.parse(raw);
        TestUrls ana = TestUrls.forRecipient("ana");

        assertThat(message.links()).extracting(TrackedLink::targetUrl).containsExactlyElementsOf(expected);
        DeliveredMail.of(raw, message.render(ana)).differsOnlyByTracking("text/plain", message.links(), ana);
    }

    @Test
    void the_opt_out_suffix_still_keeps_a_url_untracked_and_goes() {
        byte[] raw = (HEADERS + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                + "Track https://x.example/a, not https://x.example/b[[data-msys-clicktrack=\"0\"]].\r\n")
                .getBytes(StandardCharsets.UTF_8);
        TrackableMessage message = TrackableMessage.parse(raw);

        String delivered = DeliveredMail.bodyText(message.render(TestUrls.forRecipient("ana")), "text/plain");

        assertThat(message.links()).extracting(TrackedLink::targetUrl).containsExactly("https://x.example/a");
        assertThat(delivered).contains("Track https://t.example.net/c/ana-0, not https://x.example/b.");
    }

    @Test
    void tabs_and_line_breaks_inside_an_href_never_reach_the_recorded_target() {
        String html = "<p><a href=\"https://shop.example/spring-\n\tsale?utm_source=news&#9;letter\r\n\">Sale</a>\r\n"
                + "<a href=\"\f https://shop.example/tents \u000b\">Tents</a>\r\n"
                + "<a href=\"ht\ntps://shop.example/packs\">Packs</a>\r\n"
                + "<a href=\" java\nscript:alert(1)\">Not a web link</a>\r\n"
                + "<a href=\"\r\nmailto:help@shop.example\">Help</a></p>\r\n";
        byte[] raw = (HEADERS + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + html)
                .getBytes(StandardCharsets.UTF_8);
        TrackableMessage message = TrackableMessage.parse(raw);
        TestUrls ana = TestUrls.forRecipient("ana");

        byte[] delivered = message.render(ana);

        assertThat(message.links()).extracting(TrackedLink::targetUrl).containsExactly(
                "https://shop.example/spring-sale?utm_source=newsletter",
                "https://shop.example/tents",
                "https://shop.example/packs");
        assertThat(message.links()).extracting(TrackedLink::targetUrl)
                .allSatisfy(target -> assertThat(target).doesNotContainPattern("[\\x00-\\x20]"));
        DeliveredMail.of(raw, delivered).differsOnlyByTracking("text/html", message.links(), ana);
        assertThat(DeliveredMail.bodyText(delivered, "text/html"))
                .contains("href=\" java\nscript:alert(1)\"", "mailto:help@shop.example\">Help");
    }

    @Test
    void browser_url_drops_tab_and_newlines_everywhere_and_trims_controls_and_spaces() {
        assertThat(BrowserUrl.ofHref("\u0000\u001f https://a.example/\tx\ny\rz \u0001")).isEqualTo("https://a.example/xyz");
        assertThat(BrowserUrl.ofHref("https://a.example/a b")).isEqualTo("https://a.example/a b");
        assertThat(BrowserUrl.ofHref(" \t\n ")).isEmpty();
        assertThat(BrowserUrl.isHttp(BrowserUrl.ofHref("h\tt\ntp://a.example/"))).isTrue();
    }
}
