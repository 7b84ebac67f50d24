package dev.smtpapi.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Only the first html and text body parts are rewritten; attachments and attached messages are not. */
class MultipartRewriteTest {

    @Test
    void rewrites_the_body_of_an_invoice_and_leaves_its_image_pdf_and_html_attachment_byte_for_byte() {
        byte[] raw = DeliveredMail.resource("invoice-with-attachments.eml");
        TrackableMessage message = TrackableMessage.parse(raw);
        TestUrls mei = TestUrls.forRecipient("mei");

        byte[] delivered = message.render(mei);

        assertThat(message.status()).isEqualTo(RewriteStatus.REWRITABLE);
        assertThat(message.links()).extracting(TrackedLink::targetUrl).containsExactly(
                "https://billing.acme-hosting.example/pay/INV-2026-0415?currency=EUR",
                "https://billing.acme-hosting.example/pay/INV-2026-0415?currency=EUR");
        assertThat(DeliveredMail.tree(DeliveredMail.jakarta(delivered))).isEqualTo("multipart/mixed ["
                + "multipart/related [multipart/alternative [text/plain, text/html], image/png inline], "
                + "application/pdf attachment \"INV-2026-0415.pdf\", text/html attachment \"terms.html\"]");
        DeliveredMail mail = DeliveredMail.of(raw, delivered).hasSameMimeTree().hasNoLineLongerThan998Octets()
                .hasSameTopLevelHeaders().hasUntouchedOtherParts();
        assertThat(mail.differsOnlyByTracking("text/html", message.links(), mei)).containsExactly(0);
        assertThat(mail.differsOnlyByTracking("text/plain", message.links(), mei)).containsExactly(1);
        assertThat(new String(delivered, StandardCharsets.ISO_8859_1))
                .contains("<p>Terms: <a href=\"https://www.acme-hosting.example/terms\">terms</a></p>");
    }

    @Test
    void never_tracks_the_links_of_an_attached_message() {
        byte[] raw = DeliveredMail.resource("forwarded-message.eml");
        TrackableMessage message = TrackableMessage.parse(raw);
        TestUrls carla = TestUrls.forRecipient("carla");

        byte[] delivered = message.render(carla);

        assertThat(message.links()).extracting(TrackedLink::targetUrl)
                .containsExactly("https://www.northwind-outdoor.example/sale?from=ben");
        DeliveredMail mail = DeliveredMail.of(raw, delivered).hasSameMimeTree().hasNoLineLongerThan998Octets()
                .hasUntouchedOtherParts();
        assertThat(mail.differsOnlyByTracking("text/plain", message.links(), carla)).containsExactly(0);
        String after = new String(delivered, StandardCharsets.UTF_8);
        String attached = after.substring(after.indexOf("Content-Type: message/rfc822"));
        String attachedBefore = new String(raw, StandardCharsets.UTF_8);
        assertThat(attached).isEqualTo(attachedBefore.substring(attachedBefore.indexOf("Content-Type: message/rfc822")));
        assertThat(attached).doesNotContain("t.example.net");
    }

    @Test
    void rewrites_a_text_only_message_with_lf_line_ends() {
        byte[] raw = DeliveredMail.resource("text-only.eml");
        TrackableMessage message = TrackableMessage.parse(raw);
        TestUrls oncall = TestUrls.forRecipient("oncall");

        byte[] delivered = message.render(oncall);

        assertThat(message.links()).extracting(TrackedLink::targetUrl).containsExactly(
                "https://status.example.io/incidents/2026-04-25",
                "https://wiki.example.io/Runbooks/DB_Failover_(primary)",
                "https://grafana.example.io/d/db?orgId=1&from=now-6h&to=now",
                "HTTPS://CHAT.EXAMPLE.IO/channel/dba");
        assertThat(new String(delivered, StandardCharsets.US_ASCII)).endsWith("""
                (see https://t.example.net/c/oncall-0).
                The runbook is at https://t.example.net/c/oncall-1.
                Dashboard: <https://t.example.net/c/oncall-2>
                Old dashboard, do not track: https://old-grafana.example.io/d/db
                Questions go to mailto:dba@example.io or https://t.example.net/c/oncall-3!

                Thanks,
                Ops
                """).doesNotContain("\r");
        DeliveredMail mail = DeliveredMail.of(raw, delivered).hasSameMimeTree().hasNoLineLongerThan998Octets()
                .hasSameTopLevelHeaders();
        assertThat(mail.differsOnlyByTracking("text/plain", message.links(), oncall)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void puts_the_pixel_at_the_end_of_html_without_a_body_tag() {
        byte[] raw = DeliveredMail.resource("html-no-body.eml");
        TrackableMessage message = TrackableMessage.parse(raw);
        TestUrls dev = TestUrls.forRecipient("dev").withInitialOpen();

        byte[] delivered = message.render(dev);

        assertThat(message.links()).extracting(TrackedLink::targetUrl).containsExactly(
                "https://git.example.com/app/commit/9f3c2e1", "https://ci.example.com/builds/4521/log#L1180");
        assertThat(DeliveredMail.bodyText(delivered, "text/html")).isEqualTo(dev.initialOpenPixelTag() + """
                <h2>Build #4521 failed ✗</h2>
                <p>Branch <code>main</code>, commit <a href="https://t.example.net/c/dev-0">9f3c2e1</a>.</p>
                <p><a href="https://t.example.net/c/dev-1">Open the log</a></p>""" + dev.openPixelTag() + "\n");
        DeliveredMail.of(raw, delivered).hasSameMimeTree().hasNoLineLongerThan998Octets().hasSameTopLevelHeaders();
    }

    @Test
    void switches_a_7bit_part_to_quoted_printable_when_a_click_url_would_make_a_line_too_long() {
        byte[] raw = DeliveredMail.resource("long-line-7bit.eml");
        TrackableMessage message = TrackableMessage.parse(raw);
        TestUrls team = TestUrls.forRecipient("team-member-with-a-rather-long-recipient-token-0123456789");

        byte[] delivered = message.render(team);

        assertThat(DeliveredMail.transferEncoding(raw, "text/html")).isEqualTo("7bit");
        assertThat(DeliveredMail.transferEncoding(delivered, "text/html")).isEqualTo("quoted-printable");
        DeliveredMail mail = DeliveredMail.of(raw, delivered).hasSameMimeTree().hasNoLineLongerThan998Octets();
        assertThat(mail.differsOnlyByTracking("text/html", message.links(), team)).containsExactly(0);
        String headers = new String(delivered, StandardCharsets.US_ASCII);
        assertThat(headers).contains("Content-Type: text/html; charset=us-ascii\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\n<html><body>\r\n");
    }

    @Test
    void keeps_a_7bit_part_7bit_when_the_lines_stay_short() {
        byte[] raw = DeliveredMail.resource("long-line-7bit.eml");
        TestUrls shortUrls = TestUrls.forRecipient("t");

        byte[] delivered = TrackableMessage.parse(raw).render(shortUrls);

        assertThat(DeliveredMail.transferEncoding(delivered, "text/html")).isEqualTo("7bit");
        DeliveredMail.of(raw, delivered).hasNoLineLongerThan998Octets().hasSameTopLevelHeaders();
    }
}
