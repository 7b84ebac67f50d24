package dev.smtpapi.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Thousands of damaged campaign mails ({@link DamagedMail}, seeded): the engine answers every one with a status
 * and never throws; a mail it will not rewrite comes back byte for byte, and one it rewrites gets the reader's
 * links and comes back unchanged when rendered without URLs (but for a part with a line over 998 octets, which
 * is always delivered as quoted-printable).
 */
class DamagedMailTest {

    private static final int MAILS = 4000;

    @Test
    void every_damaged_mail_gets_a_status_and_none_is_damaged_further() {
        DamagedMail mails = new DamagedMail(20260414L);
        TestUrls ana = TestUrls.forRecipient("ana");
        Map<RewriteStatus, Integer> statuses = new EnumMap<>(RewriteStatus.class);

        for (int i = 0; i < MAILS; i++) {
            byte[] raw = mails.next();
            TrackableMessage message = parse(raw, i);
            statuses.merge(message.status(), 1, Integer::sum);

            byte[] untracked = message.render(RecipientUrls.untracked());
            if (message.status().isRewritable() && hasLineOver998Octets(raw)) {
                // Such a part is delivered as quoted-printable, tracked or not: the same text, links and all.
                assertThat(parse(untracked, i).links()).extracting(TrackedLink::targetUrl)
                        .as("links of mail %d after the switch to quoted-printable", i)
                        .containsExactlyElementsOf(message.links().stream().map(TrackedLink::targetUrl).toList());
            } else {
                assertThat(Arrays.mismatch(untracked, raw)).as("mail %d rendered without URLs, first byte that differs", i)
                        .isEqualTo(-1);
            }
            byte[] forAna = message.render(ana);
            if (!message.status().isRewritable()) {
                assertThat(message.statusDetail()).as("reason for mail %d", i).isNotBlank();
                assertThat(Arrays.mismatch(forAna, raw)).as("mail %d, not rewritable, first byte that differs", i)
                        .isEqualTo(-1);
            } else if (!message.links().isEmpty()) {
                TrackableMessage delivered = parse(forAna, i);
                assertThat(delivered.links()).extracting(TrackedLink::targetUrl).as("links of mail %d for ana", i)
                        .contains(ana.clickUrlOf(0), ana.clickUrlOf(message.links().size() - 1));
            }
        }

        assertThat(statuses.keySet()).as("statuses seen: %s", statuses).contains(RewriteStatus.REWRITABLE,
                RewriteStatus.MALFORMED_MIME, RewriteStatus.UNSUPPORTED_TRANSFER_ENCODING);
        assertThat(statuses.get(RewriteStatus.REWRITABLE)).as("statuses seen: %s", statuses).isGreaterThan(MAILS / 10);
    }

    private static boolean hasLineOver998Octets(byte[] raw) {
        int length = 0;
        for (byte b : raw) {
            length = b == '\n' || b == '\r' ? 0 : length + 1;
            if (length > 998) {
                return true;
            }
        }
        return false;
    }

    private static TrackableMessage parse(byte[] raw, int mail) {
        try {
            return TrackableMessage.parse(raw);
        } catch (RuntimeException | Error e) {
            throw new AssertionError("mail " + mail + " made the engine throw", e);
        }
    }
}
