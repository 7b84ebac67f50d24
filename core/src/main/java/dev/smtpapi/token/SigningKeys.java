package dev.smtpapi.token;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The keys shared by the mailet and the tracker. The first key signs new tokens; every listed key verifies,
 * so a key can be rotated in by listing it first and retired by removing it once its links have expired.
 *
 * <p>File format (UTF-8): blank lines and lines starting with {@code #} are ignored; every other line is
 * {@code <id> <secret>} where id is 0..255 and secret is base64url (padding optional) of at least 16 bytes.
 * {@code ./smtpapi keygen} writes such a file with a 32-byte secret.
 */
public final class SigningKeys {
    private final ImmutableList<SigningKey> keys;
    private final SigningKey[] byId = new SigningKey[256];

    private SigningKeys(List<SigningKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one signing key is needed");
        }
        this.keys = ImmutableList.copyOf(keys);
        for (SigningKey key : keys) {
            if (byId[key.id()] != null) {
                throw new IllegalArgumentException("key id " + key.id() + " is listed twice");
            }
            byId[key.id()] = key;
        }
    }

    public static SigningKeys of(SigningKey signing, SigningKey... verifyingToo) {
        ImmutableList.Builder<SigningKey> all = ImmutableList.builder();
        all.add(signing).add(verifyingToo);
        return new SigningKeys(all.build());
    }

    /** Reads a key file; the message of any failure names the file and line, never a secret. */
    public static SigningKeys load(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read signing-key file " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(lines);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("signing-key file " + file + ": " + e.getMessage(), e);
        }
    }

    public static SigningKeys parse(List<String> lines) {
        ImmutableList.Builder<SigningKey> keys = ImmutableList.builder();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 2) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected '<id> <base64url secret>'");
            }
            int id;
            try {
                id = Integer.parseInt(fields[0]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": key id must be a number from 0 to 255");
            }
            if (id < 0 || id > 255) {
                throw new IllegalArgumentException("line " + (i + 1) + ": key id must be from 0 to 255, was " + id);
            }
            if (!seen.add(id)) {
                throw new IllegalArgumentException("line " + (i + 1) + ": key id " + id + " is listed twice");
            }
            byte[] secret;
            try {
                secret = Base64.getUrlDecoder().decode(fields[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": the secret of key " + id
                        + " is not base64url");
            }
            if (secret.length < SigningKey.MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("line " + (i + 1) + ": the secret of key " + id
                        + " must be at least " + SigningKey.MIN_SECRET_BYTES + " bytes, was " + secret.length);
            }
            keys.add(SigningKey.of(id, secret));
        }
        ImmutableList<SigningKey> all = keys.build();
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no key found; run ./smtpapi keygen");
        }
        return new SigningKeys(all);
    }

    /** The key that signs new tokens: the first one listed. */
    public SigningKey signing() {
        return keys.get(0);
    }

    public Optional<SigningKey> byId(int id) {
        return id >= 0 && id < byId.length ? Optional.ofNullable(byId[id]) : Optional.empty();
    }

    SigningKey byIdOrNull(int id) {
        return byId[id];
    }

    public List<SigningKey> all() {
        return keys;
    }

    @Override
    public String toString() {
        return "SigningKeys" + keys;
    }
}
