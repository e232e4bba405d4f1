package io.tlsrpt.collector.web.security;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import io.tlsrpt.collector.config.HttpAuthSettings;
import jakarta.inject.Singleton;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks an {@code Authorization} header against {@code tlsrpt.http.auth}: HTTP Basic (RFC 7617) with a user of
 * {@code users}, or {@code Bearer} (RFC 6750) with {@code token}. Malformed settings stop the start-up: a typo must
 * not leave the dashboard open or locked, so this bean is made at start-up.
 *
 * <p>A PBKDF2 check costs a few hundred milliseconds by design, and a browser sends the same Basic header with every
 * page and stylesheet; so a header that passed is remembered (as a salted SHA-256 digest, for a few minutes).
 * Failures are never remembered: each wrong guess costs the full PBKDF2 work, also for an unknown user name, so
 * that the answer time does not tell which names exist.
 */
@Context
@Singleton
public class Authenticator {
    /** How long a header that passed is accepted without a new PBKDF2 check. */
    static final long REMEMBER_NANOS = 5L * 60 * 1_000_000_000L;
    static final int REMEMBER_MAX = 1_000;

    /** Who a request was authenticated as. */
    public record Principal(String name, String scheme) {
    }

    private final HttpAuthSettings settings;
    private final Map<String, PasswordHash> users;
    private final byte[] tokenDigest;
    private final PasswordHash dummy;
    private final byte[] pepper = new byte[32];
    private final Map<String, Remembered> passed = new ConcurrentHashMap<>();

    private record Remembered(Principal principal, long until) {
    }

    public Authenticator(HttpAuthSettings settings) {
        this.settings = settings;
        Map<String, PasswordHash> parsed = new LinkedHashMap<>();
        for (String entry : settings.users()) {
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new ConfigurationException("tlsrpt.http.auth.users: each entry must be name:hash, and entry "
                        + (parsed.size() + 1) + " has no name");
            }
            String name = entry.substring(0, colon).trim();
            if (parsed.containsKey(name)) {
                throw new ConfigurationException("tlsrpt.http.auth.users: user '" + name + "' is listed twice");
            }
            try {
                parsed.put(name, PasswordHash.parse(entry.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("tlsrpt.http.auth.users: user '" + name + "': " + e.getMessage());
            }
        }
        this.users = Collections.unmodifiableMap(parsed);
        this.tokenDigest = settings.token() == null ? null : sha256(settings.token().getBytes(StandardCharsets.UTF_8));
        new SecureRandom().nextBytes(pepper);
        int iterations = parsed.values().stream().mapToInt(PasswordHash::iterations).max()
                .orElse(PasswordHash.MIN_ITERATIONS);
        this.dummy = PasswordHash.parse(PasswordHash.create("unknown user", iterations));
    }

    /** Whether any login is configured at all. */
    public boolean required() {
        return settings.loginRequired();
    }

    public boolean basicEnabled() {
        return !users.isEmpty();
    }

    public boolean tokenEnabled() {
        return tokenDigest != null;
    }

    public Set<String> userNames() {
        return users.keySet();
    }

    /**
     * @param authorization the {@code Authorization} header, or null
     * @return who it authenticates, or null when it is missing, malformed or wrong
     */
    public Principal authenticate(String authorization) {
        if (authorization == null) {
            return null;
        }
        String header = authorization.trim();
        int space = header.indexOf(' ');
        if (space <= 0) {
            return null;
        }
        String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
        String value = header.substring(space + 1).trim();
        if (!scheme.equals("basic") && !scheme.equals("bearer")) {
            return null;
        }
        if (scheme.equals("bearer")) {
            // One SHA-256 each side: constant-time whatever the length, nothing worth remembering.
            return tokenDigest != null
                    && MessageDigest.isEqual(tokenDigest, sha256(value.getBytes(StandardCharsets.UTF_8)))
                    ? new Principal("token", "Bearer") : null;
        }
        if (users.isEmpty()) {
            return null;
        }
        String key = Base64.getEncoder().encodeToString(sha256(concat(pepper, value.getBytes(StandardCharsets.UTF_8))));
        Remembered r = passed.get(key);
        if (r != null && r.until() - System.nanoTime() > 0) {
            return r.principal();
        }
        Principal p = checkBasic(value);
        if (p != null) {
            if (passed.size() >= REMEMBER_MAX) {
                passed.clear();
            }
            passed.put(key, new Remembered(p, System.nanoTime() + REMEMBER_NANOS));
        }
        return p;
    }

    /** The user name a Basic header claims, for the log; null when it is not a readable Basic header. */
    static String claimedUser(String authorization) {
        if (authorization == null || !authorization.trim().regionMatches(true, 0, "basic ", 0, 6)) {
            return null;
        }
        String decoded = decodeBasic(authorization.trim().substring(6).trim());
        if (decoded == null) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? decoded : decoded.substring(0, colon);
    }

    private Principal checkBasic(String value) {
        String decoded = decodeBasic(value);
        if (decoded == null) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String name = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        PasswordHash hash = users.get(name);
        if (hash == null) {
            dummy.matches(password);
            return null;
        }
        return hash.matches(password) ? new Principal(name, "Basic") : null;
    }

    private static String decodeBasic(String value) {
        try {
            byte[] bytes = Base64.getDecoder().decode(value);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return null;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
