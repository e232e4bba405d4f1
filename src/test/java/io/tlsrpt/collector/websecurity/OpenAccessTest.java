package io.tlsrpt.collector.websecurity;

import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.config.HttpAuthSettings;
import io.tlsrpt.collector.web.security.ExposureWarning;
import io.tlsrpt.collector.web.security.OpenPaths;
import io.tlsrpt.collector.web.security.PasswordHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without users or token everything is open (the default loopback set-up), with the headers and the cross-site
 * check all the same; the settings as the environment gives them; bad settings stop the start; the warning.
 */
class OpenAccessTest {
    @TempDir
    Path dataDir;

    @Test
    void withoutLoginEverythingIsOpenButHeadersAndCrossSiteCheckStay() {
        try (Collector c = Collector.start(dataDir, Map.of())) {
            String base = c.baseUrl();
            Web.Answer page = Web.get(base + "/");
            assertEquals(200, page.status());
            AccessControlTest.assertSecurityHeaders(page, "/");
            assertNull(page.header("WWW-Authenticate"));
            Web.Answer api = Web.get(base + "/api/stats");
            assertEquals(200, api.status());
            AccessControlTest.assertSecurityHeaders(api, "/api/stats");
            assertEquals(403, Web.post(base + "/api/messages/1/reprocess", "Origin", "https://evil.example").status());
            assertEquals(403, Web.post(base + "/messages/1/reprocess", "Sec-Fetch-Site", "cross-site").status());
            assertEquals(404, Web.post(base + "/messages/999/reprocess", "Origin", base).status(),
                    "same origin passes on to the controller");
        }
    }

    @Test
    void withoutLoginOnLoopbackOnlyRequestsAddressedToLocalhostAreServed() {
        // DNS rebinding: a page of rebind.example, re-pointed to 127.0.0.1, would send Host: rebind.example:port.
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.http.auth.allowed-origins",
                List.of("https://collector.example.org")))) {
            int port = Integer.parseInt(c.baseUrl().substring(c.baseUrl().lastIndexOf(':') + 1));
            for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "[::1]:" + port,
                    "127.0.0.2:" + port, "collector.example.org", "collector.example.org:" + port)) {
                Web.Answer a = Web.raw(port, "GET", "/api/stats", "Host", host);
                assertEquals(200, a.status(), host + ": " + a);
            }
            for (String host : List.of("rebind.example:" + port, "127.0.0.1.rebind.example", "localhost.example",
                    "[::2]:" + port, "10.0.0.1:" + port)) {
                Web.Answer a = Web.raw(port, "GET", "/api/stats", "Host", host);
                assertEquals(403, a.status(), host + ": " + a);
                assertFalse(a.body().contains("messagesReceived"), host);
                assertTrue(a.body().contains("only answers requests addressed to localhost"), a.body());
                AccessControlTest.assertSecurityHeaders(a, host);
            }
            Web.Answer page = Web.raw(port, "GET", "/", "Host", "rebind.example:" + port);
            assertEquals(403, page.status());
            assertTrue(page.body().startsWith("Refused: this collector has no login configured"), page.body());
            assertEquals(200, Web.raw(port, "GET", "/health", "Host", "rebind.example").status(),
                    "open paths are open to any name");
        }
        // With a login the login protects, and any Host is served to whoever has it.
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.http.auth.token", "t0k3n-t0k3n-t0k3n-t0k3n"))) {
            int port = Integer.parseInt(c.baseUrl().substring(c.baseUrl().lastIndexOf(':') + 1));
            assertEquals(200, Web.raw(port, "GET", "/api/stats", "Host", "collector.example.org",
                    "Authorization", "Bearer t0k3n-t0k3n-t0k3n-t0k3n").status());
            assertEquals(401, Web.raw(port, "GET", "/api/stats", "Host", "collector.example.org").status());
        }
    }

    @Test
    void theSettingsAsTheEnvironmentGivesThem() {
        // TLSRPT_HTTP_AUTH_USERS=alice:...,bob:... arrives as one comma-separated string.
        String users = "alice:" + PasswordHash.create("a-pass", 10_000) + ",bob:"
                + PasswordHash.create("b-pass", 10_000);
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.http.auth.users", users,
                "tlsrpt.http.auth.open-paths", "/health,/reports/**", "tlsrpt.http.auth.realm", "Mail \"TLS\"",
                "tlsrpt.http.report-path", "/v1/tlsrpt"))) {
            String base = c.baseUrl();
            assertEquals(200, Web.get(base + "/", "Authorization", Web.basic("alice", "a-pass")).status());
            assertEquals(200, Web.get(base + "/", "Authorization", Web.basic("bob", "b-pass")).status());
            assertEquals(401, Web.get(base + "/", "Authorization", Web.basic("bob", "a-pass")).status());
            Web.Answer challenge = Web.get(base + "/");
            assertEquals(List.of("Basic realm=\"Mail TLS\", charset=\"UTF-8\""), challenge.all("WWW-Authenticate"),
                    "only the configured scheme is offered, quotes taken out of the realm");
            assertEquals(200, Web.get(base + "/reports").status(), "a /** entry opens the path itself");
            assertEquals(404, Web.get(base + "/reports/12345").status(), "and everything below it");
            assertEquals(401, Web.get(base + "/tlsrpt-like").status());
            assertEquals(401, Web.get(base + "/tlsrpt").status(), "no longer in open-paths, nor the report path");
            Web.Answer reportPath = Web.get(base + "/v1/tlsrpt");
            assertTrue(reportPath.status() == 405 || reportPath.status() == 404, "tlsrpt.http.report-path is always"
                    + " open: " + reportPath);
            Web.Answer api = Web.get(base + "/api/stats", "Authorization", Web.bearer("anything"));
            assertEquals(401, api.status(), "no token configured: Bearer never passes");
        }
    }

    @Test
    void malformedUsersStopTheStartWithoutShowingTheSecret() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> Collector.start(dataDir,
                Map.of("tlsrpt.http.auth.users", List.of("alice:my-plain-password"))));
        String messages = messages(e);
        assertTrue(messages.contains("tlsrpt.http.auth.users: user 'alice': a password hash must look like"
                + " pbkdf2-sha256$<iterations>$<salt>$<hash>"), messages);
        assertFalse(messages.contains("my-plain-password"), messages);
        RuntimeException noName = assertThrows(RuntimeException.class, () -> Collector.start(dataDir,
                Map.of("tlsrpt.http.auth.users", List.of(PasswordHash.create("x", 10_000)))));
        assertTrue(messages(noName).contains("each entry must be name:hash"), messages(noName));
    }

    static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable x = t; x != null; x = x.getCause()) {
            b.append(x.getMessage()).append('\n');
        }
        return b.toString();
    }

    @Test
    void openPathsAreExactOrExplicitPrefixesAndNeverTricks() {
        OpenPaths open = new OpenPaths(List.of("/health", "/tlsrpt", "/hooks/**"));
        for (String p : List.of("/health", "/tlsrpt", "/hooks", "/hooks/a", "/hooks/a/b")) {
            assertTrue(open.isOpen(p), p);
        }
        for (String p : List.of("/health/", "/healthz", "/tlsrpt/x", "/api/stats", "/health/../api/stats",
                "/hooks/../api/stats", "/hooks/./x", "/hooks//x", "/hooks/%2e%2e/api", "/health;x",
                "/hooks\\..\\api", "health", "", "/")) {
            assertFalse(open.isOpen(p), p);
        }
        assertFalse(open.isOpen(null));
    }

    static String warn(String host, List<String> users, String token, int port) {
        return ExposureWarning.warning(host, new HttpAuthSettings(users, token, List.of("/health"), List.of(), "r"),
                port);
    }

    @Test
    void aNonLoopbackBindWithoutLoginWarnsLoudly() {
        String warning = warn("0.0.0.0", List.of(), null, 8080);
        assertTrue(warning.contains("WARNING: the dashboard and the API listen on 0.0.0.0 port 8080 WITHOUT ANY LOGIN"),
                warning);
        assertTrue(warning.contains("TLSRPT_HTTP_AUTH_USERS") && warning.contains("TLSRPT_HTTP_AUTH_TOKEN"), warning);
        assertTrue(warn(null, List.of(), null, 8080).contains("listen on every interface"));
        assertTrue(warn("192.0.2.10", List.of(), null, 80).contains("192.0.2.10"));
        assertTrue(warn("collector.example.com", List.of(), null, 80) != null,
                "a name other than localhost is not trusted to be loopback (no DNS look-up)");
        assertTrue(warn("::", List.of(), null, 80) != null);
        for (String loopback : List.of("127.0.0.1", "::1", "[::1]", "localhost", "LOCALHOST", "127.0.0.2",
                "0:0:0:0:0:0:0:1")) {
            assertNull(warn(loopback, List.of(), null, 8080), loopback);
        }
        assertNull(warn("0.0.0.0", List.of(), "a-token-for-scripts-0123456789", 8080));
        assertNull(warn("0.0.0.0", List.of("alice:" + PasswordHash.create("x", 10_000)),
                null, 8080));
    }
}
