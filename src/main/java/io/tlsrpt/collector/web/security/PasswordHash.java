package io.tlsrpt.collector.web.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Password hashes for {@code tlsrpt.http.auth.users}: PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) over the UTF-8 bytes of the
 * password, with a random per-user salt, written as a self-describing string
 * {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>} (standard alphabet, padding optional), so that
 * the iteration count can be raised for new hashes without breaking old ones. Comparison is constant-time.
 */
public final class PasswordHash {
    public static final String SCHEME = "pbkdf2-sha256";
    /** OWASP's recommendation for PBKDF2-HMAC-SHA256 (2023). */
    public static final int DEFAULT_ITERATIONS = 600_000;
    public static final int MIN_ITERATIONS = 10_000;
    /** A bound against a typo that would make every login take minutes. */
    public static final int MAX_ITERATIONS = 10_000_000;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** A new hash of the password with a fresh random salt. */
    public static String create(String password, int iterations) {
        checkIterations(iterations);
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = pbkdf2(password.getBytes(StandardCharsets.UTF_8), salt, iterations, HASH_BYTES);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /**
     * Reads a hash string.
     *
     * @throws IllegalArgumentException with what is wrong with it (never containing the hash itself)
     */
    public static PasswordHash parse(String encoded) {
        if (encoded == null) {
            throw new IllegalArgumentException("no password hash");
        }
        String[] parts = encoded.trim().split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException("a password hash must look like " + SCHEME
                    + "$<iterations>$<salt>$<hash> (make one with the hash-password command)");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the iteration count of a password hash is not a number");
        }
        checkIterations(iterations);
        byte[] salt = decode(parts[2], "salt");
        byte[] hash = decode(parts[3], "hash");
        if (salt.length < 8) {
            throw new IllegalArgumentException("the salt of a password hash is shorter than 8 bytes");
        }
        if (hash.length < 16 || hash.length > 64) {
            throw new IllegalArgumentException("the hash part of a password hash must be 16 to 64 bytes");
        }
        return new PasswordHash(iterations, salt, hash);
    }

    /** Whether the password matches; the comparison takes the same time wherever the bytes differ. */
    public boolean matches(String password) {
        byte[] candidate = pbkdf2(password.getBytes(StandardCharsets.UTF_8), salt, iterations, hash.length);
        return MessageDigest.isEqual(candidate, hash);
    }

    public int iterations() {
        return iterations;
    }

    /** PBKDF2 with HMAC-SHA256 as its PRF (RFC 8018 §5.2), over bytes, so that any password encodes the same way. */
    static byte[] pbkdf2(byte[] password, byte[] salt, int iterations, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // HMAC keys may be empty in the RFC; SecretKeySpec refuses an empty array, HMAC pads a 1-byte 0 the same.
            mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA256"));
            int hLen = mac.getMacLength();
            int blocks = (length + hLen - 1) / hLen;
            byte[] out = new byte[blocks * hLen];
            byte[] u = new byte[hLen];
            for (int i = 1; i <= blocks; i++) {
                mac.update(salt);
                mac.update(new byte[]{(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i});
                mac.doFinal(u, 0);
                byte[] t = u.clone();
                for (int c = 1; c < iterations; c++) {
                    mac.update(u);
                    mac.doFinal(u, 0);
                    for (int k = 0; k < hLen; k++) {
                        t[k] ^= u[k];
                    }
                }
                System.arraycopy(t, 0, out, (i - 1) * hLen, hLen);
            }
            return Arrays.copyOf(out, length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static void checkIterations(int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("the iteration count of a password hash must be between "
                    + MIN_ITERATIONS + " and " + MAX_ITERATIONS);
        }
    }

    private static byte[] decode(String value, String what) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + what + " of a password hash is not base64");
        }
    }
}
