package dev.smtpapi.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link TrackableMessage#adopt} takes the caller's array as it is, where {@link TrackableMessage#parse} works on
 * a copy of its own: a byte changed in the array after the call shows in what {@code adopt}'s message renders
 * and never in what {@code parse}'s renders. (Changing an adopted array is what its callers must not do; here it
 * only shows that no copy was made, which is what lets the mailet hold a large message as its bytes plus one
 * rendered copy.)
 */
class AdoptedBytesTest {

    private static final String MAIL = "From: news@shop.example\r\nTo: reader@example.org\r\nSubject: Sale\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            + "<html><body><p>Spring sale</p>\r\n<p><a href=\"https://shop.example/sale\">Shop now</a></p>\r\n"
            + "</body></html>\r\n";

    private final TestUrls reader = TestUrls.forRecipient("reader");

    @Test
    void an_adopted_message_renders_the_very_same_copy_as_a_parsed_one() {
        byte[] raw = bytes();

        byte[] adopted = TrackableMessage.adopt(bytes()).render(reader);

        assertThat(adopted).isEqualTo(TrackableMessage.parse(raw).render(reader));
        assertThat(new String(adopted, StandardCharsets.UTF_8))
                .contains("<a href=\"" + reader.clickUrlOf(0) + "\">Shop now</a>");
    }

    @Test
    void an_adopted_message_reads_the_array_it_was_given_without_a_copy() {
        byte[] raw = bytes();
        TrackableMessage adopted = TrackableMessage.adopt(raw);

        overwrite(raw, "Spring sale", "Summer sale");

        assertThat(adopted.status()).isEqualTo(RewriteStatus.REWRITABLE);
        assertThat(new String(adopted.render(reader), StandardCharsets.UTF_8))
                .contains("<p>Summer sale</p>")
                .contains("<a href=\"" + reader.clickUrlOf(0) + "\">Shop now</a>");
    }

    @Test
    void a_parsed_message_keeps_its_own_copy_of_the_array() {
        byte[] raw = bytes();
        TrackableMessage parsed = TrackableMessage.parse(raw);

        overwrite(raw, "Spring sale", "Summer sale");

        assertThat(new String(parsed.render(reader), StandardCharsets.UTF_8)).contains("<p>Spring sale</p>");
    }

    @Test
    void an_adopted_message_that_cannot_be_rewritten_says_why_as_a_parsed_one_does() {
        byte[] headerOnly = "Subject: no body at all\r\n".getBytes(StandardCharsets.US_ASCII);

        TrackableMessage adopted = TrackableMessage.adopt(headerOnly.clone());

        assertThat(adopted.status()).isEqualTo(TrackableMessage.parse(headerOnly).status());
        assertThat(adopted.status().isRewritable()).isFalse();
        assertThat(adopted.render(reader)).isEqualTo(headerOnly);
    }

    private static byte[] bytes() {
        return MAIL.getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes {@code replacement} over the first {@code original} in {@code raw} (same length). */
    private static void overwrite(byte[] raw, String original, String replacement) {
        int at = new String(raw, StandardCharsets.ISO_8859_1).indexOf(original);
        assertThat(at).isNotNegative();
        byte[] with = replacement.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(with, 0, raw, at, with.length);
    }
}
