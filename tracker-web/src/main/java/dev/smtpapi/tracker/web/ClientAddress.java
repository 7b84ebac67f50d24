package dev.smtpapi.tracker.web;

import com.google.common.collect.ImmutableList;
import dev.smtpapi.tracker.machine.AddressRange;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The client's address: the peer's, unless the peer is a trusted proxy, in which case {@code X-Forwarded-For}
 * is read from the right, skipping trusted proxies, and the first other address is the client. Headers from
 * anyone else are ignored, since anyone can send them.
 */
final class ClientAddress {
    private final ImmutableList<AddressRange> trustedProxies;

    ClientAddress(List<AddressRange> trustedProxies) {
        this.trustedProxies = ImmutableList.copyOf(trustedProxies);
    }

    String of(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (trustedProxies.isEmpty() || !isTrusted(AddressRange.literal(peer))) {
            return peer;
        }
        List<String> hops = forwardedHops(request);
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = AddressRange.literal(hops.get(i));
            if (hop.isEmpty()) {
                return peer; // a garbled list: trust nothing in it
            }
            if (!isTrusted(hop)) {
                return hop.get().getHostAddress();
            }
        }
        return hops.isEmpty() ? peer : AddressRange.literal(hops.get(0)).map(InetAddress::getHostAddress).orElse(peer);
    }

    /** Several X-Forwarded-For headers make one list, in order. */
    private static List<String> forwardedHops(HttpServletRequest request) {
        ImmutableList.Builder<String> hops = ImmutableList.builder();
        for (String header : Collections.list(request.getHeaders("X-Forwarded-For"))) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.strip());
                }
            }
        }
        return hops.build();
    }

    private boolean isTrusted(Optional<InetAddress> address) {
        return address.isPresent() && trustedProxies.stream().anyMatch(range -> range.contains(address.get()));
    }
}
