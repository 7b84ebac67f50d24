package dev.smtpapi.token;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** One HMAC-SHA-256 secret and the id that tokens carry to name it. The secret never leaves this class. */
public final class SigningKey {
    static final String ALGORITHM = "HmacSHA256";
    /** Shorter secrets make the MAC weaker than its 96 bits; keygen writes 32 bytes. */
    public static final int MIN_SECRET_BYTES = 16;

    private final int id;
    private final SecretKeySpec secret;

    private SigningKey(int id, byte[] secret) {
        if (id < 0 || id > 255) {
            throw new IllegalArgumentException("key id must be between 0 and 255, was " + id);
        }
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("key " + id + ": secret must be at least " + MIN_SECRET_BYTES
                    + " bytes, was " + secret.length);
        }
        this.id = id;
        this.secret = new SecretKeySpec(Arrays.copyOf(secret, secret.length), ALGORITHM);
    }

    public static SigningKey of(int id, byte[] secret) {
        return new SigningKey(id, secret);
    }

    public int id() {
        return id;
    }

    Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "SigningKey{id=" + id + "}";
    }
}
