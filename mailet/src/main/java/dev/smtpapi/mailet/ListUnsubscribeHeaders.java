package dev.smtpapi.mailet;

import dev.smtpapi.rewrite.TrackableMessage;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TrackingToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The {@code List-Unsubscribe} and {@code List-Unsubscribe-Post} headers (RFC 2369, RFC 8058) of every copy of
 * one mail: {@code <{click scheme}://{tracking domain}/u/{token}>}, the token naming the copy's recipient, then
 * the sender's own {@code mailto:} URIs. Whatever {@code List-Unsubscribe} headers the sender gave are replaced
 * (its https URL is remembered elsewhere and served by the tracker's forwarding). The headers go first in the
 * header block, folded at the commas, with the message's own line ending. Immutable and thread-safe.
 */
final class ListUnsubscribeHeaders {
    static final String POST_HEADER = "List-Unsubscribe-Post";
    static final String ONE_CLICK = "List-Unsubscribe=One-Click";
    /** For a mail that gets no headers: every copy is left as rendered. */
    static final ListUnsubscribeHeaders NONE = new ListUnsubscribeHeaders(null, null, null, null,
            SenderListUnsubscribe.none(), null);

    private final TokenCodec codec;
    private final String prefix;
    private final UUID messageKey;
    private final Instant expiry;
    private final SenderListUnsubscribe sender;
    private final UnsubscribeMetrics metrics;

    private ListUnsubscribeHeaders(TokenCodec codec, String prefix, UUID messageKey, Instant expiry,
            SenderListUnsubscribe sender, UnsubscribeMetrics metrics) {
        this.metrics = metrics;
        this.codec = codec;
        this.prefix = prefix;
        this.messageKey = messageKey;
        this.expiry = expiry;
        this.sender = sender;
    }

    static ListUnsubscribeHeaders of(TokenCodec codec, MailSettings settings, UUID messageKey, Instant expiry,
            SenderListUnsubscribe sender, UnsubscribeMetrics metrics) {
        return new ListUnsubscribeHeaders(Objects.requireNonNull(codec, "codec"),
                settings.clickScheme() + "://" + settings.trackingDomain() + "/u/",
                Objects.requireNonNull(messageKey, "messageKey"), Objects.requireNonNull(expiry, "expiry"), sender,
                Objects.requireNonNull(metrics, "metrics"));
    }

    /** The one-click URL of one recipient's copy. */
    String url(int recipientIndex) {
        return prefix + codec.encode(TrackingToken.unsubscribe(messageKey, recipientIndex, expiry));
    }

    /** The copy with the sender's List-Unsubscribe headers replaced by this recipient's. */
    byte[] addTo(byte[] rendered, int recipientIndex) {
        if (codec == null) {
            return rendered;
        }
        String eol = lineEnding(rendered);
        StringBuilder headers = new StringBuilder(200).append(SenderListUnsubscribe.HEADER).append(": <")
                .append(url(recipientIndex)).append('>');
        for (String mailto : sender.mailtos()) {
            headers.append(',').append(eol).append(" <").append(mailto).append('>');
        }
        headers.append(eol).append(POST_HEADER).append(": ").append(ONE_CLICK).append(eol);
        // One copy per recipient: the sender's two fields dropped and this recipient's put first in one pass.
        byte[] copy = TrackableMessage.withHeaders(rendered, headers.toString().getBytes(StandardCharsets.US_ASCII),
                SenderListUnsubscribe.HEADER, POST_HEADER);
        metrics.listUnsubscribeCopies().increment();
        return copy;
    }

    /** CRLF unless the message's first line ends in a bare LF. */
    private static String lineEnding(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\n') {
                return i > 0 && message[i - 1] == '\r' ? "\r\n" : "\n";
            }
        }
        return "\r\n";
    }
}
