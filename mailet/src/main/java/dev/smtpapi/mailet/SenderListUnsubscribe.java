package dev.smtpapi.mailet;

import com.google.common.collect.ImmutableList;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the sender's own {@code List-Unsubscribe} header offered (RFC 2369: a comma-separated list of URIs in
 * angle brackets). Its {@code mailto:} URIs are kept beside ours in every copy; its first {@code https} URI is
 * where the tracker passes a one-click unsubscribe on to. Anything else in the header (http URLs, comments,
 * garbage) is dropped: a one-click POST to plain http would send the unsubscribe in clear text.
 */
record SenderListUnsubscribe(List<String> mailtos, Optional<URI> httpsUrl) {
    static final String HEADER = "List-Unsubscribe";
    /** Longer URIs are not kept: no mail client offers them, and the header must stay under 998 octets. */
    private static final int MAX_URI_LENGTH = 900;

    static SenderListUnsubscribe none() {
        return new SenderListUnsubscribe(List.of(), Optional.empty());
    }

    static SenderListUnsubscribe of(MimeMessage message) throws MessagingException {
        String[] values = message.getHeader(HEADER);
        if (values == null) {
            return none();
        }
        return parse(String.join(",", values));
    }

    static SenderListUnsubscribe parse(String rawValue) {
        String value = MimeUtility.unfold(rawValue);
        ImmutableList.Builder<String> mailtos = ImmutableList.builder();
        Optional<URI> https = Optional.empty();
        int open = value.indexOf('<');
        while (open >= 0) {
            int close = value.indexOf('>', open + 1);
            if (close < 0) {
                break;
            }
            String uri = value.substring(open + 1, close).strip().replaceAll("\\s+", "");
            String lower = uri.toLowerCase(Locale.ROOT);
            if (uri.length() <= MAX_URI_LENGTH && uri.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
                if (lower.startsWith("mailto:") && uri.length() > "mailto:".length()) {
                    mailtos.add(uri);
                } else if (lower.startsWith("https://") && https.isEmpty()) {
                    https = httpsUri(uri);
                }
            }
            open = value.indexOf('<', close + 1);
        }
        return new SenderListUnsubscribe(mailtos.build(), https);
    }

    private static Optional<URI> httpsUri(String text) {
        try {
            URI uri = new URI(text);
            return uri.getHost() == null ? Optional.empty() : Optional.of(uri);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
