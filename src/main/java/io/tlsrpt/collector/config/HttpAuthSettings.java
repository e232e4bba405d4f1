package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.util.List;

/**
 * {@code tlsrpt.http.auth.*}: who may use the dashboard and the API. With neither {@code users} nor {@code token}
 * set, everything is open (fine on the default loopback bind; a warning is logged on any other address).
 *
 * @param users          {@code name:hash} entries; the hash is {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}
 *                       as printed by {@code java -jar tlsrpt-collector.jar hash-password}. Users sign in with HTTP
 *                       Basic on the pages and the API.
 * @param token          a bearer token ({@code Authorization: Bearer <token>}) for scripts; accepted on the API and
 *                       on every other protected path (downloads such as {@code /messages/{id}/raw})
 * @param openPaths      paths that never need a login: exact paths, or a prefix ending in {@code /**}. Default:
 *                       {@code /health} (load balancers) and {@code /tlsrpt} (RFC 8460 §5.4 HTTPS reports)
 * @param allowedOrigins further origins (scheme://host[:port]) whose state-changing requests are accepted, for a
 *                       reverse proxy that changes the Host header; the request's own origin is always accepted
 * @param realm          the realm named in the {@code WWW-Authenticate} challenge
 */
@ConfigurationProperties("tlsrpt.http.auth")
public record HttpAuthSettings(
        @Bindable(defaultValue = "") List<String> users,
        @Nullable String token,
        @Bindable(defaultValue = "/health,/tlsrpt") List<String> openPaths,
        @Bindable(defaultValue = "") List<String> allowedOrigins,
        @Bindable(defaultValue = "tlsrpt-collector") String realm) {

    public HttpAuthSettings {
        users = clean(users);
        openPaths = clean(openPaths);
        allowedOrigins = clean(allowedOrigins);
        token = token == null || token.isBlank() ? null : token.trim();
        realm = realm == null || realm.isBlank() ? "tlsrpt-collector" : realm.trim();
    }

    /** Whether any login is configured; without one every path is open. */
    public boolean loginRequired() {
        return !users.isEmpty() || token != null;
    }

    private static List<String> clean(List<String> values) {
        return values == null ? List.of()
                : values.stream().filter(v -> v != null && !v.isBlank()).map(String::trim).toList();
    }
}
