package dev.smtpapi.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * A quoted-printable newsletter with MJML/Foundation markup, Outlook conditional comments and every kind of
 * link, as an email service provider would send it.
 */
class NewsletterRewriteTest {

    private static final String SHOP = "https://www.northwind-outdoor.example";
    private final byte[] raw = DeliveredMail.resource("newsletter-qp.eml");
    private final TrackableMessage message = TrackableMessage.parse(raw);

    @Test
    void finds_each_link_as_a_browser_would_follow_it() {
        assertThat(message.status()).isEqualTo(RewriteStatus.REWRITABLE);
        assertThat(message.links()).extracting(TrackedLink::targetUrl).containsExactly(
                SHOP + "/?utm_source=newsletter&utm_medium=email&utm_campaign=spring-sale",
                SHOP + "/newsletter/2026-04/view?id=8812&lang=en",
                SHOP + "/sale?category=tents%20%26%20shelters&sort=price-asc#results",
                SHOP + "/p/ridgeline-2-tent?color=forest&size=2p",
                SHOP + "/p/summit-pack-45?ref=news&pos=2",
                "HTTP://WWW.NORTHWIND-OUTDOOR.EXAMPLE/P/TRAIL-RUNNER-3",
                SHOP + "/stores/north",
                "https://bücher.example/wanderführer?ausgabe=2026",
                SHOP + "/help/shipping?from=newsletter&to=help",
                SHOP + "/account/preferences?u=8812&t=a1b2c3",
                SHOP + "/unsubscribe?u=8812&t=a1b2c3",
                // the text part
                SHOP + "/sale?category=tents%20%26%20shelters&sort=price-asc#results",
                SHOP + "/p/ridgeline-2-tent?color=forest&size=2p",
                SHOP + "/p/summit-pack-45?ref=news&pos=2",
                SHOP + "/help",
                SHOP + "/unsubscribe?u=8812&t=a1b2c3");
        assertThat(message.links()).extracting(TrackedLink::index).containsExactlyElementsOf(
                IntStream.range(0, 16).boxed().toList());
        assertThat(message.links().subList(0, 11)).allMatch(link -> link.source() == TrackedLink.Source.HTML);
        assertThat(message.links().subList(11, 16)).allMatch(link -> link.source() == TrackedLink.Source.TEXT);
        assertThat(message.unverifiableLinkCount()).isZero();
    }

    @Test
    void reads_the_sparkpost_link_attributes() {
        assertThat(message.links().get(0).name()).contains("logo");
        assertThat(message.links().get(2).name()).contains("hero-button");
        assertThat(message.links().get(2).sublink()).contains("shop_now");
        assertThat(message.links().get(4).name()).contains("summit pack");
        assertThat(message.links().get(10).unsubscribe()).isTrue();
        assertThat(message.links().get(10).name()).contains("unsubscribe");
        assertThat(message.links().get(9).unsubscribe()).isFalse();
        assertThat(message.links().get(1).name()).isEmpty();
        assertThat(message.links().get(1).sublink()).isEmpty();
    }

    @Test
    void points_every_trackable_link_at_the_recipients_click_url_and_leaves_the_others() {
        TestUrls ana = TestUrls.forRecipient("ana");
        Document html = Jsoup.parse(DeliveredMail.bodyText(message.render(ana), "text/html"));

        assertThat(html.select("a[href], area[href]")).extracting(element -> element.attr("href")).containsExactly(
                ana.clickUrlOf(0), ana.clickUrlOf(1), ana.clickUrlOf(2), ana.clickUrlOf(3), ana.clickUrlOf(4),
                ana.clickUrlOf(5), ana.clickUrlOf(6), "#south", ana.clickUrlOf(7),
                "/blog/packing-list", "#faq", "tel:+15555550123", "sms:+15555550123",
                "mailto:help@northwind-outdoor.example?subject=Spring%20Sale", "javascript:void(0)",
                "data:text/plain,hi", SHOP + "/help/returns", ana.clickUrlOf(8), ana.clickUrlOf(9),
                ana.clickUrlOf(10));
        assertThat(html.select("[data-msys-linkname], [data-msys-sublink], [data-msys-unsubscribe], "
                + "[data-msys-clicktrack]")).isEmpty();
        assertThat(html.select("img[src=https://t.example.net/q/ana]")).hasSize(1);
        Element pixel = html.body().children().last();
        assertThat(pixel.attr("src")).isEqualTo("https://t.example.net/q/ana");
    }

    @Test
    void changes_nothing_but_the_tracked_urls_the_pixel_and_the_attributes() {
        TestUrls ana = TestUrls.forRecipient("ana");
        byte[] delivered = message.render(ana);

        DeliveredMail mail = DeliveredMail.of(raw, delivered)
                .hasSameMimeTree()
                .hasNoLineLongerThan998Octets()
                .hasSameTopLevelHeaders()
                .hasUntouchedOtherParts();
        assertThat(mail.differsOnlyByTracking("text/html", message.links(), ana))
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(mail.differsOnlyByTracking("text/plain", message.links(), ana))
                .containsExactly(11, 12, 13, 14, 15);
        assertThat(DeliveredMail.transferEncoding(delivered, "text/html")).isEqualTo("quoted-printable");
        assertThat(DeliveredMail.transferEncoding(delivered, "text/plain")).isEqualTo("quoted-printable");
    }

    @Test
    void keeps_outlook_conditional_comments_and_their_vml_link_as_they_were() {
        String html = DeliveredMail.bodyText(message.render(TestUrls.forRecipient("ana")), "text/html");

        assertThat(html).contains("<!--[if mso]>\n          <v:roundrect xmlns:v=\"urn:schemas-microsoft-com:vml\" "
                + "href=\"https://www.northwind-outdoor.example/sale?src=vml\"");
        assertThat(html).contains("<!--[if !mso]><!-- -->\n          <a class=\"button\" href=\"https://t.example.net/c/ana-2\" "
                + "style=\"background-color:#2E7D32;");
    }

    @Test
    void removes_the_text_opt_out_suffix_and_keeps_that_url() {
        String text = DeliveredMail.bodyText(message.render(TestUrls.forRecipient("ana")), "text/plain");

        assertThat(text).contains("Returns are free: " + SHOP + "/help/returns\n");
        assertThat(text).contains("(now €209, see https://t.example.net/c/ana-12)");
        assertThat(text).contains("<https://t.example.net/c/ana-13>");
        assertThat(text).contains("read https://t.example.net/c/ana-14.");
    }

    @Test
    void gives_each_recipient_their_own_urls_from_one_parse() {
        TestUrls ana = TestUrls.forRecipient("ana");
        TestUrls ben = TestUrls.forRecipient("ben");

        byte[] forAna = message.render(ana);
        byte[] forBen = message.render(ben);

        assertThat(DeliveredMail.of(raw, forBen).differsOnlyByTracking("text/html", message.links(), ben)).hasSize(11);
        assertThat(DeliveredMail.bodyText(forAna, "text/html")).doesNotContain("ben");
        assertThat(message.render(ana)).isEqualTo(forAna);
    }

    @Test
    void adds_the_initial_open_pixel_right_after_the_body_start_tag() {
        TestUrls ana = TestUrls.forRecipient("ana").withInitialOpen();
        byte[] delivered = message.render(ana);

        assertThat(DeliveredMail.bodyText(delivered, "text/html"))
                .contains("<body style=\"word-spacing:normal;background-color:#F4F4F4;\">" + ana.initialOpenPixelTag()
                        + "\n  <div style=\"display:none;")
                .contains(ana.openPixelTag() + "</body>");
        DeliveredMail.of(raw, delivered).hasNoLineLongerThan998Octets().differsOnlyByTracking("text/html",
                message.links(), ana);
    }

    @Test
    void leaves_links_alone_when_click_tracking_is_off() {
        TestUrls opensOnly = TestUrls.forRecipient("ana").withoutClicks();
        byte[] delivered = message.render(opensOnly);

        String html = DeliveredMail.bodyText(delivered, "text/html");
        assertThat(html).doesNotContain(TestUrls.CLICK_PREFIX).contains(opensOnly.openPixelTag() + "</body>");
        assertThat(DeliveredMail.of(raw, delivered).differsOnlyByTracking("text/html", message.links(), opensOnly))
                .isEmpty();
        assertThat(DeliveredMail.bodyText(delivered, "text/plain"))
                .isEqualTo(DeliveredMail.bodyText(raw, "text/plain").replace(TextLinkFinder.OPT_OUT, ""));
    }

    @Test
    void adds_no_pixel_when_open_tracking_is_off() {
        TestUrls clicksOnly = TestUrls.forRecipient("ana").withoutOpens();
        String html = DeliveredMail.bodyText(message.render(clicksOnly), "text/html");

        assertThat(html).doesNotContain("t.example.net/q/").contains(clicksOnly.clickUrlOf(0));
    }

    @Test
    void drops_the_x_msys_api_header_and_nothing_else() {
        byte[] withoutHeader = TrackableMessage.withoutHeader(raw, "x-msys-api");
        String before = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
        String after = new String(withoutHeader, java.nio.charset.StandardCharsets.ISO_8859_1);

        assertThat(after).isEqualTo(before.replace("X-MSYS-API: {\"campaign_id\": \"spring-sale-2026\",\r\n"
                + " \"metadata\": {\"segment\": \"club\"}, \"options\": {\"open_tracking\": true,\r\n"
                + " \"click_tracking\": true}}\r\n", ""));
        TrackableMessage tracked = TrackableMessage.parse(withoutHeader);
        assertThat(tracked.links()).hasSize(16);
        assertThat(new String(tracked.render(TestUrls.forRecipient("ana")), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("X-MSYS-API");
    }

    @Test
    void puts_new_header_lines_first_and_drops_named_fields_folded_lines_included_in_one_copy() {
        byte[] message = ("List-Unsubscribe: <mailto:u@sender.example>,\r\n <https://sender.example/u>\r\n"
                + "Subject: hi\r\nlist-unsubscribe-post: List-Unsubscribe=One-Click\r\n\r\nbody\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] first = "List-Unsubscribe: <https://t.example/u/x>\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        byte[] copy = TrackableMessage.withHeaders(message, first, "List-Unsubscribe", "List-Unsubscribe-Post");

        assertThat(new String(copy, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("List-Unsubscribe: <https://t.example/u/x>\r\nSubject: hi\r\n\r\nbody\r\n");
        assertThat(TrackableMessage.withHeaders(message, new byte[0], "X-Absent")).isEqualTo(message);
    }

    @Test
    void renders_the_same_copies_from_many_threads_at_once() {
        List<byte[]> sequential = IntStream.range(0, 64)
                .mapToObj(i -> message.render(TestUrls.forRecipient("r" + i))).toList();

        List<byte[]> parallel = IntStream.range(0, 64).parallel()
                .mapToObj(i -> message.render(TestUrls.forRecipient("r" + i))).toList();

        for (int i = 0; i < 64; i++) {
            assertThat(parallel.get(i)).isEqualTo(sequential.get(i));
        }
    }

    @Test
    void cuts_a_long_link_name_to_63_bytes_without_splitting_a_character() {
        String name = "Frühjahrsangebot für Wanderschuhe und Zelte – nur dieses Wochenende gültig";
        byte[] raw = ("From: a@example.de\r\nTo: b@example.de\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "<a href=\"https://shop.example.de/angebot\" data-msys-linkname=\"" + name + "\">Angebot</a>\r\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);

        String kept = TrackableMessage.parse(raw).links().get(0).name().orElseThrow();

        assertThat(kept.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(63);
        assertThat(name).startsWith(kept);
        assertThat((kept + name.charAt(kept.length())).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .hasSizeGreaterThan(63);
    }

    @Test
    void delivers_the_same_bytes_when_no_recipient_urls_and_no_attributes_change() {
        byte[] plain = "From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\nContent-Type: text/html\r\n\r\n<p><a href=\"https://example.com/a\">a</a></p>\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        assertThat(TrackableMessage.parse(plain).render(RecipientUrls.untracked())).isEqualTo(plain);
        assertThat(new TestUrls("x", false, false, false).clickUrl(0)).isEqualTo(Optional.empty());
        assertThat(List.of(TrackableMessage.parse(plain).links().get(0).targetUrl())).containsExactly("https://example.com/a");
    }
}
