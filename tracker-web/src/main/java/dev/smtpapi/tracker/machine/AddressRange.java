package dev.smtpapi.tracker.machine;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/** An IPv4 or IPv6 network in CIDR notation ({@code 17.0.0.0/8}), or one address. Immutable. */
public final class AddressRange {
    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private AddressRange(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /** Parses {@code address/prefix} or a bare address; throws naming the text when it is neither. */
    public static AddressRange parse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (!InetAddresses.isInetAddress(address)) {
            throw new IllegalArgumentException("expected an IP address or CIDR range, was '" + text + "'");
        }
        byte[] bytes = InetAddresses.forString(address).getAddress();
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("expected a prefix length from 0 to " + bits + " in '" + text + "'");
            }
        }
        return new AddressRange(mask(bytes, prefix), prefix, text);
    }

    /** Whether this range holds the address (an IPv4 range never holds an IPv6 address, and the reverse). */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && java.util.Arrays.equals(mask(bytes, prefixLength), network);
    }

    /** Parses a literal address as it appears in a request; empty for anything that is not one (no DNS). */
    public static Optional<InetAddress> literal(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String candidate = text.strip();
        if (candidate.startsWith("[") && candidate.endsWith("]")) {
            candidate = candidate.substring(1, candidate.length() - 1);
        }
        return InetAddresses.isInetAddress(candidate) ? Optional.of(InetAddresses.forString(candidate))
                : Optional.empty();
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] = (byte) (masked[i] & (0xFF00 >>> keep));
        }
        return masked;
    }

    @Override
    public String toString() {
        return text;
    }
}
