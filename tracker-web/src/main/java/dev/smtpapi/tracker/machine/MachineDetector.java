package dev.smtpapi.tracker.machine;

import com.google.common.collect.ImmutableList;
import dev.smtpapi.token.TokenKind;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells machine opens and clicks from human ones, so both are recorded but can be counted apart. It judges
 * from three signals, first match wins: the user agent, the client's address, and for clicks the time since
 * the mail was sent. It is a heuristic: a machine that hides all three passes for a human.
 *
 * <p>The built-in lists are short on purpose and name their sources:
 * <ul>
 * <li>Apple Mail Privacy Protection fetches with the bare user agent {@code Mozilla/5.0} and from Apple's
 *     network 17.0.0.0/8 (registered to Apple Inc. at ARIN);
 * <li>Gmail's image proxy says {@code GoogleImageProxy} (documented by Google for Gmail image caching) and
 *     comes from 66.249.80.0/20; Yahoo's says {@code YahooMailProxy};
 * <li>link scanners: Barracuda, Proofpoint, Mimecast and Microsoft Defender SafeLinks identify themselves in
 *     the user agent or fetch from Exchange Online Protection's published ranges (40.92.0.0/15,
 *     40.107.0.0/16, 52.100.0.0/14, 104.47.0.0/17, in Microsoft's "Microsoft 365 URLs and IP address
 *     ranges"); any click that arrives within the configured window after sending is a scanner's too.
 * </ul>
 * Thread-safe and immutable.
 */
public final class MachineDetector {
    private static final List<String> IMAGE_PROXY_AGENTS = List.of("googleimageproxy", "yahoomailproxy",
            "ymailproxy");
    private static final List<String> SCANNER_AGENTS = List.of("barracuda", "proofpoint", "mimecast",
            "safelinks", "urldefense", "headlesschrome", "python-requests", "go-http-client", "curl/",
            "wget/", "spider", "crawler", "scanner");
    private static final List<AddressRange> APPLE = ranges("17.0.0.0/8");
    private static final List<AddressRange> IMAGE_PROXIES = ranges("66.249.80.0/20");
    private static final List<AddressRange> SCANNERS = ranges("40.92.0.0/15", "40.107.0.0/16", "52.100.0.0/14",
            "104.47.0.0/17");

    private final Duration clickWindow;

    private MachineDetector(Duration clickWindow) {
        this.clickWindow = clickWindow;
    }

    /** A detector that also calls a click within {@code clickWindow} of sending a scanner's (zero: never). */
    public static MachineDetector withClickWindow(Duration clickWindow) {
        return new MachineDetector(clickWindow);
    }

    public Optional<MachineReason> judge(TokenKind kind, String userAgent, Optional<InetAddress> client,
            Instant sentAt, Instant now) {
        String agent = userAgent == null ? "" : userAgent.strip().toLowerCase(Locale.ROOT);
        if (agent.equals("mozilla/5.0")) {
            return Optional.of(MachineReason.APPLE_MPP);
        }
        if (containsAny(agent, IMAGE_PROXY_AGENTS)) {
            return Optional.of(MachineReason.IMAGE_PROXY);
        }
        if (containsAny(agent, SCANNER_AGENTS)) {
            return Optional.of(MachineReason.LINK_SCANNER);
        }
        if (client.isPresent()) {
            InetAddress address = client.get();
            if (inAny(address, APPLE)) {
                return Optional.of(MachineReason.APPLE_MPP);
            }
            if (inAny(address, IMAGE_PROXIES)) {
                return Optional.of(MachineReason.IMAGE_PROXY);
            }
            if (inAny(address, SCANNERS)) {
                return Optional.of(MachineReason.LINK_SCANNER);
            }
        }
        if (kind == TokenKind.CLICK && !clickWindow.isZero()
                && now.isBefore(sentAt.plus(clickWindow))) {
            return Optional.of(MachineReason.LINK_SCANNER);
        }
        return Optional.empty();
    }

    // Plain loops, not streams: the detector runs on every open and click.
    private static boolean containsAny(String agent, List<String> names) {
        for (String name : names) {
            if (agent.contains(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean inAny(InetAddress address, List<AddressRange> ranges) {
        for (AddressRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static List<AddressRange> ranges(String... cidrs) {
        ImmutableList.Builder<AddressRange> ranges = ImmutableList.builder();
        for (String cidr : cidrs) {
            ranges.add(AddressRange.parse(cidr));
        }
        return ranges.build();
    }
}
