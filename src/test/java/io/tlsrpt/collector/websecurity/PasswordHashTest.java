package io.tlsrpt.collector.websecurity;

import io.tlsrpt.collector.web.security.PasswordHash;
import org.junit.jupiter.api.Test;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.util.Base64;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PBKDF2-HMAC-SHA256 password hashes: the algorithm against published vectors, the format, the checks. */
class PasswordHashTest {
    /** RFC 7914 §11: PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1, dkLen=64). */
    @Test
    void matchesTheRfc7914TestVector() throws Exception {
        String expected = "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783";
        // A hash string with c=1 is below the accepted minimum, so the vector is checked through the JDK's own
        // PBKDF2 (which must agree with ours on any input) and through our hash at an accepted count.
        SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
        byte[] jdk = f.generateSecret(new PBEKeySpec("passwd".toCharArray(), "salt".getBytes(), 1, 512)).getEncoded();
        assertEquals(expected, HexFormat.of().formatHex(jdk));

        byte[] salt = "NaCl-and-pepper!".getBytes();
        byte[] ours = Base64.getDecoder().decode(hashWith("pässword ☃", salt, 10_000).split("\\$")[3]);
        byte[] reference = f.generateSecret(new PBEKeySpec("pässword ☃".toCharArray(), salt, 10_000, 256))
                .getEncoded();
        assertArrayEquals(reference, ours, "our PBKDF2 equals the JDK's for a non-ASCII password");
    }

    /** A hash string with a chosen salt, made from the parts (the class only makes random salts). */
    static String hashWith(String password, byte[] salt, int iterations) throws Exception {
        SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
        byte[] hash = f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        String encoded = "pbkdf2-sha256$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(hash);
        assertTrue(PasswordHash.parse(encoded).matches(password), "a hash made by the JDK verifies");
        return encoded;
    }

    @Test
    void createsSelfDescribingSaltedHashesThatVerify() {
        String a = PasswordHash.create("correct horse battery staple", 20_000);
        String b = PasswordHash.create("correct horse battery staple", 20_000);
        assertTrue(a.matches("pbkdf2-sha256\\$20000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), a);
        assertNotEquals(a, b, "a fresh salt every time");
        assertNotEquals(a.split("\\$")[2], b.split("\\$")[2]);
        PasswordHash h = PasswordHash.parse(a);
        assertEquals(20_000, h.iterations());
        assertTrue(h.matches("correct horse battery staple"));
        assertFalse(h.matches("correct horse battery stapl"));
        assertFalse(h.matches("correct horse battery staple "));
        assertFalse(h.matches(""));
        assertTrue(PasswordHash.parse(PasswordHash.create("", 10_000)).matches(""));
        assertEquals(600_000, PasswordHash.DEFAULT_ITERATIONS);
    }

    @Test
    void refusesMalformedHashesWithoutEchoingThem() {
        String good = PasswordHash.create("x", 10_000);
        String[] bad = {"secret-in-plain-text", "pbkdf2-sha1$10000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                good.replace("$10000$", "$1000$"), good.replace("$10000$", "$lots$"),
                good.replace("$10000$", "$99999999$"), good + "$extra", "pbkdf2-sha256$10000$!!!$abc",
                "pbkdf2-sha256$10000$c2FsdA$" + good.split("\\$")[3]};
        for (String s : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse(s), s);
            assertFalse(e.getMessage().contains(s), e.getMessage());
            assertTrue(e.getMessage().contains("password hash"), e.getMessage());
        }
    }
}
