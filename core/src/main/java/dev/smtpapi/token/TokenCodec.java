package dev.smtpapi.token;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;

/**
 * Turns a {@link TrackingToken} into the short opaque string of a tracked URL and back.
 *
 * <p>Layout before base64url (no padding): one byte of version (high nibble) and kind (low nibble), one byte
 * of key id, the 16-byte message key, the recipient index and (clicks only) the link index as unsigned
 * LEB128 varints, the expiry as 4 bytes of unsigned epoch seconds, and the first 12 bytes (96 bits) of
 * HMAC-SHA-256 over everything before it. A click for recipient 9,999 and link 499 is 38 bytes, 51 characters.
 *
 * <p>Decoding does no I/O and rejects anything that is not exactly a token this codec signed with a listed
 * key: wrong length, non-canonical base64 (so no two strings decode to one token), unknown version, kind or
 * key id, varints that are too long, trailing bytes, and a MAC that does not match (compared in constant time).
 * Instances are thread-safe.
 */
public final class TokenCodec {
    static final int VERSION = 1;
    static final int MAC_BYTES = 12;
    static final long MAX_EXPIRY_SECONDS = 0xFFFF_FFFFL;
    /** Longest possible token: header 2 + uuid 16 + two 5-byte varints + expiry 4 + mac 12 = 44 bytes. */
    private static final int MAX_BYTES = 2 + 16 + 5 + 5 + 4 + MAC_BYTES;
    private static final int MAX_CHARS = (MAX_BYTES * 4 + 2) / 3;
    private static final int MIN_BYTES = 2 + 16 + 1 + 4 + MAC_BYTES;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SigningKeys keys;
    private final ThreadLocal<Mac[]> macs = ThreadLocal.withInitial(() -> new Mac[256]);

    private TokenCodec(SigningKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    public static TokenCodec of(SigningKeys keys) {
        return new TokenCodec(keys);
    }

    /** Signs with the first key of the key file. */
    public String encode(TrackingToken token) {
        Objects.requireNonNull(token, "token");
        SigningKey key = keys.signing();
        ByteBuffer buffer = ByteBuffer.allocate(MAX_BYTES);
        buffer.put((byte) (VERSION << 4 | token.kind().code()));
        buffer.put((byte) key.id());
        buffer.putLong(token.messageKey().getMostSignificantBits());
        buffer.putLong(token.messageKey().getLeastSignificantBits());
        putVarint(buffer, token.recipientIndex());
        if (token.kind().hasLink()) {
            putVarint(buffer, token.linkIndex().getAsInt());
        }
        buffer.putInt((int) token.expiry().getEpochSecond());
        int payloadLength = buffer.position();
        Mac mac = mac(key);
        mac.update(buffer.array(), 0, payloadLength);
        byte[] digest = mac.doFinal();
        buffer.put(digest, 0, MAC_BYTES);
        byte[] bytes = new byte[buffer.position()];
        System.arraycopy(buffer.array(), 0, bytes, 0, bytes.length);
        return ENCODER.encodeToString(bytes);
    }

    /**
     * Checks and decodes a token taken from a URL. Returns empty for anything forged, altered, truncated,
     * extended or signed with a key that is not listed. Expiry is not judged here: an expired token is
     * still authentic, and the tracker decides what it may do with it.
     */
    public Optional<TrackingToken> decode(CharSequence text) {
        if (text == null || text.length() < (MIN_BYTES * 4 + 2) / 3 || text.length() > MAX_CHARS
                || !isCanonicalBase64Url(text)) {
            return Optional.empty();
        }
        byte[] bytes = DECODER.decode(text.toString());
        if (bytes.length < MIN_BYTES) {
            return Optional.empty();
        }
        int header = bytes[0] & 0xFF;
        if (header >>> 4 != VERSION) {
            return Optional.empty();
        }
        TokenKind kind = TokenKind.fromCode(header & 0x0F);
        SigningKey key = keys.byIdOrNull(bytes[1] & 0xFF);
        if (kind == null || key == null) {
            return Optional.empty();
        }
        int payloadLength = bytes.length - MAC_BYTES;
        Mac mac = mac(key);
        mac.update(bytes, 0, payloadLength);
        byte[] expected = Arrays.copyOf(mac.doFinal(), MAC_BYTES);
        byte[] actual = Arrays.copyOfRange(bytes, payloadLength, bytes.length);
        if (!MessageDigest.isEqual(expected, actual)) {
            return Optional.empty();
        }
        // Authentic from here on; parsing strictly still guards against a bug in an older encoder.
        ByteBuffer payload = ByteBuffer.wrap(bytes, 2, payloadLength - 2);
        UUID messageKey = new UUID(payload.getLong(), payload.getLong());
        long recipientIndex = getVarint(payload);
        long linkIndex = kind.hasLink() ? getVarint(payload) : -1;
        if (recipientIndex < 0 || (kind.hasLink() && linkIndex < 0) || payload.remaining() != 4) {
            return Optional.empty();
        }
        long expiry = payload.getInt() & 0xFFFF_FFFFL;
        return Optional.of(TrackingToken.of(kind, messageKey, (int) recipientIndex, (int) linkIndex,
                Instant.ofEpochSecond(expiry)));
    }

    private Mac mac(SigningKey key) {
        Mac[] perThread = macs.get();
        Mac mac = perThread[key.id()];
        if (mac == null) {
            mac = key.newMac();
            perThread[key.id()] = mac;
        }
        return mac;
    }

    private static void putVarint(ByteBuffer buffer, int value) {
        int rest = value;
        while ((rest & ~0x7F) != 0) {
            buffer.put((byte) ((rest & 0x7F) | 0x80));
            rest >>>= 7;
        }
        buffer.put((byte) rest);
    }

    /** Returns -1 for a varint that is too long, not minimal, or runs past the buffer. */
    private static long getVarint(ByteBuffer buffer) {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (buffer.remaining() <= 4) { // the expiry must still follow
                return -1;
            }
            int b = buffer.get() & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                boolean minimal = shift == 0 || b != 0;
                return minimal && value <= Integer.MAX_VALUE ? value : -1;
            }
        }
        return -1;
    }

    /**
     * Only the alphabet, no padding, a possible length, and zero bits where the last character has bits
     * to spare: otherwise flipping one of those spare bits would give a second spelling of the same token.
     */
    private static boolean isCanonicalBase64Url(CharSequence text) {
        int length = text.length();
        int lastValue = 0;
        for (int i = 0; i < length; i++) {
            int value = base64UrlValue(text.charAt(i));
            if (value < 0) {
                return false;
            }
            lastValue = value;
        }
        switch (length % 4) {
            case 0:
                return true;
            case 2:
                return (lastValue & 0x0F) == 0;
            case 3:
                return (lastValue & 0x03) == 0;
            default:
                return false;
        }
    }

    private static int base64UrlValue(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == '-') {
            return 62;
        }
        if (c == '_') {
            return 63;
        }
        return -1;
    }
}
