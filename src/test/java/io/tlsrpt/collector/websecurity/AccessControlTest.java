package io.tlsrpt.collector.websecurity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import io.tlsrpt.collector.web.security.PasswordHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A collector with two users and a bearer token, over real HTTP on loopback: who gets in where, the security
 * headers on every kind of answer, and cross-site requests refused.
 */
class AccessControlTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "k9Jv2w7Qm4Rz8Tt1Yp6Ld3Sx0Ha5Ue2N";
    static final String ALICE = Web.basic("alice", "correct horse battery staple");
    static final String BOB = Web.basic("bob", "pässwörd with spaces");

    @TempDir
    static Path dataDir;
    static Collector collector;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        collector = Collector.start(dataDir, Map.of(
                "tlsrpt.http.auth.users", List.of(
                        "alice:" + PasswordHash.create("correct horse battery staple", 10_000),
                        "bob:" + PasswordHash.create("pässwörd with spaces", 10_000)),
                "tlsrpt.http.auth.token", TOKEN,
                "tlsrpt.http.auth.allowed-origins", List.of("https://dashboard.example.net")));
        base = collector.baseUrl();
        // One message for the reprocess form: not a report, so it is quarantined.
        new Mailer(collector.smtpPort()).sendJson("not json".getBytes(StandardCharsets.UTF_8), "example.com",
                "reporter.example", "q1", Mailer.RUA);
        long deadline = System.currentTimeMillis() + 60_000;
        while (JSON.readTree(Web.get(base + "/api/stats", "Authorization", ALICE).body())
                .get("quarantineEntries").asLong() == 0) {
            assertTrue(System.currentTimeMillis() < deadline, "the message was not quarantined in time");
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() {
        if (collector != null) {
            collector.close();
        }
    }

    static void assertSecurityHeaders(Web.Answer a, String what) {
        assertEquals("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'", a.header("Content-Security-Policy"), what);
        assertEquals("nosniff", a.header("X-Content-Type-Options"), what);
        assertEquals("same-origin", a.header("Referrer-Policy"), what);
        assertEquals("DENY", a.header("X-Frame-Options"), what);
        assertEquals("same-origin", a.header("Cross-Origin-Resource-Policy"), what);
    }

    @Test
    void pagesWithoutCredentialsAreChallengedForBasic() {
        for (String page : List.of("/", "/failures", "/reports", "/reports/1", "/quarantine", "/domains/example.com",
                "/messages/1/raw", "/reports/1/json", "/assets/style.css", "/no-such-page")) {
            Web.Answer a = Web.get(base + page);
            assertEquals(401, a.status(), page);
            assertEquals(List.of("Basic realm=\"tlsrpt-collector\", charset=\"UTF-8\"",
                    "Bearer realm=\"tlsrpt-collector\""), a.all("WWW-Authenticate"), page);
            assertEquals("Authentication required.\n", a.body(), page);
            assertEquals("text/plain;charset=utf-8", a.header("Content-Type"), page);
            assertEquals("no-store", a.header("Cache-Control"), page);
            assertSecurityHeaders(a, page);
        }
    }

    @Test
    void apiWithoutCredentialsAnswers401AsJson() throws Exception {
        for (String call : List.of("/api/stats", "/api/domains", "/api/reports/1", "/api/quarantine")) {
            Web.Answer a = Web.get(base + call);
            assertEquals(401, a.status(), call);
            assertEquals(List.of("Bearer realm=\"tlsrpt-collector\"",
                    "Basic realm=\"tlsrpt-collector\", charset=\"UTF-8\""), a.all("WWW-Authenticate"), call);
            assertEquals("authentication required.", JSON.readTree(a.body()).get("error").asText().toLowerCase());
            assertTrue(a.header("Content-Type").startsWith("application/json"), a.header("Content-Type"));
            assertSecurityHeaders(a, call);
        }
        assertEquals(401, Web.post(base + "/api/messages/1/reprocess").status());
    }

    @Test
    void rightBasicCredentialsOpenPagesAndApi() throws Exception {
        Web.Answer page = Web.get(base + "/", "Authorization", ALICE);
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Type").startsWith("text/html"));
        assertTrue(page.body().contains("<h1>Overview</h1>"), page.body());
        assertSecurityHeaders(page, "/");
        Web.Answer quarantine = Web.get(base + "/quarantine", "Authorization", BOB);
        assertEquals(200, quarantine.status(), "a non-ASCII password (UTF-8, RFC 7617)");
        assertTrue(quarantine.body().contains("Process again"));
        Web.Answer css = Web.get(base + "/assets/style.css", "Authorization", BOB);
        assertEquals(200, css.status());
        assertTrue(css.header("Content-Type").startsWith("text/css"), css.header("Content-Type"));
        assertSecurityHeaders(css, "/assets/style.css");
        Web.Answer api = Web.get(base + "/api/stats", "Authorization", ALICE);
        assertEquals(200, api.status(), "users may use the API with Basic too");
        assertEquals(1, JSON.readTree(api.body()).get("messagesReceived").asLong());
        assertSecurityHeaders(api, "/api/stats");
        Web.Answer raw = Web.get(base + "/messages/1/raw", "Authorization", ALICE);
        assertEquals(200, raw.status());
        assertTrue(raw.body().contains("not json") || raw.body().contains("Content-Type"), raw.body());
        // The same header again is accepted from memory (no new PBKDF2 run), and stays right.
        for (int i = 0; i < 5; i++) {
            assertEquals(200, Web.get(base + "/api/stats", "Authorization", ALICE).status());
        }
    }

    @Test
    void wrongPasswordUnknownUserAndMalformedHeadersAre401() {
        for (String auth : List.of(Web.basic("alice", "correct horse battery stapl"), Web.basic("alice", ""),
                Web.basic("Alice", "correct horse battery staple"),
                Web.basic("mallory", "correct horse battery staple"),
                Web.basic("bob", "correct horse battery staple"), "Basic !!!not-base64!!!", "Basic",
                "Basic " + java.util.Base64.getEncoder().encodeToString("alice".getBytes()),
                "Digest username=\"alice\"", Web.bearer(TOKEN + "x"), Web.bearer(""), "Bearer",
                Web.bearer(TOKEN.substring(0, 10)))) {
            Web.Answer page = Web.get(base + "/", "Authorization", auth);
            assertEquals(401, page.status(), auth);
            assertEquals("Wrong user name, password or token.\n", page.body(), auth);
            assertFalse(page.body().contains("alice"));
            assertEquals(401, Web.get(base + "/api/stats", "Authorization", auth).status(), auth);
        }
    }

    @Test
    void theBearerTokenOpensTheApiAndTheDownloads() throws Exception {
        Web.Answer api = Web.get(base + "/api/stats", "Authorization", Web.bearer(TOKEN));
        assertEquals(200, api.status());
        assertEquals(1, JSON.readTree(api.body()).get("quarantineEntries").asLong());
        assertEquals(200, Web.get(base + "/api/quarantine", "Authorization", "bearer " + TOKEN).status(),
                "the scheme is case-insensitive");
        assertEquals(200, Web.get(base + "/messages/1/raw", "Authorization", Web.bearer(TOKEN)).status(),
                "the token also works outside /api (downloads, pages)");
        Web.Answer reprocess = Web.post(base + "/api/messages/1/reprocess", "Authorization", Web.bearer(TOKEN));
        assertEquals(200, reprocess.status(), "a script's POST has no Origin and passes: " + reprocess);
        assertEquals(1, JSON.readTree(reprocess.body()).get("messageId").asLong(), reprocess.body());
    }

    @Test
    void healthIsOpenAndTellsNothingSensitive() throws Exception {
        Web.Answer a = Web.get(base + "/health");
        assertEquals(200, a.status(), a.toString());
        JsonNode body = JSON.readTree(a.body());
        Set<String> fields = new TreeSet<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            fields.add(it.next());
        }
        assertEquals(Set.of("backlog", "database", "http", "smtp", "up"), fields, a.body());
        assertTrue(body.get("up").asBoolean());
        assertEquals("up", body.get("database").asText());
        assertFalse(a.body().contains(dataDir.toString()), "no paths");
        assertFalse(a.body().toLowerCase().contains("jdbc"), "no database URL");
        assertNull(a.header("Server"), "no server software and version");
        assertSecurityHeaders(a, "/health");
        assertEquals(401, Web.get(base + "/health/").status(), "only the exact open path is open");
        assertEquals(401, Web.get(base + "/healthz").status());
    }

    @Test
    void tricksToReachTheApiThroughAnOpenPathFail() {
        int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
        for (String path : List.of("/health/../api/stats", "/health/%2e%2e/api/stats", "/tlsrpt/../api/stats",
                "/health;/../api/stats", "//api/stats", "/tlsrpt/%2e%2e/api/stats", "/health/./../api/stats")) {
            Web.Answer a = Web.raw(port, "GET", path, "Host", "127.0.0.1:" + port);
            assertEquals(401, a.status(), path + ": " + a);
            assertFalse(a.body().contains("messagesReceived"), path);
        }
    }

    @Test
    void theReportEndpointPathIsOpen() {
        // RFC 8460 §5.4 senders post reports to /tlsrpt without a login. A GET (which stores nothing) shows that no
        // login stands in front of it: the route answers for itself (405: only POST is routed there; 404 where no
        // report endpoint is built).
        Web.Answer a = Web.get(base + "/tlsrpt");
        assertTrue(a.status() == 405 || a.status() == 404, a.toString());
        assertNull(a.header("WWW-Authenticate"));
        assertSecurityHeaders(a, "GET /tlsrpt");
    }

    @Test
    void errorsCarryTheHeadersToo() throws Exception {
        Web.Answer notFound = Web.get(base + "/no-such-page", "Authorization", ALICE);
        assertEquals(404, notFound.status());
        assertSecurityHeaders(notFound, "404");
        Web.Answer badPage = Web.get(base + "/?from=yesterday", "Authorization", ALICE);
        assertEquals(400, badPage.status());
        assertSecurityHeaders(badPage, "400 page");
        Web.Answer badApi = Web.get(base + "/api/domains?limit=0", "Authorization", Web.bearer(TOKEN));
        assertEquals(400, badApi.status());
        assertTrue(JSON.readTree(badApi.body()).get("error").asText().contains("limit"));
        assertSecurityHeaders(badApi, "400 api");
        Web.Answer missingReport = Web.get(base + "/api/reports/999999", "Authorization", Web.bearer(TOKEN));
        assertEquals(404, missingReport.status());
        assertSecurityHeaders(missingReport, "404 api");
    }

    @Test
    void crossSitePostsAreRefusedWith403() throws Exception {
        String reprocess = base + "/messages/1/reprocess";
        Web.Answer evil = Web.post(reprocess, "Authorization", ALICE, "Origin", "https://evil.example");
        assertEquals(403, evil.status(), evil.toString());
        assertTrue(evil.body().startsWith("Refused: the request comes from the page of another origin (Origin: "
                + "https://evil.example, this is http://127.0.0.1:"), evil.body());
        assertSecurityHeaders(evil, "403");
        Web.Answer fetchSite = Web.post(reprocess, "Authorization", ALICE, "Sec-Fetch-Site", "cross-site");
        assertEquals(403, fetchSite.status());
        assertTrue(fetchSite.body().contains("Sec-Fetch-Site: cross-site"), fetchSite.body());
        assertEquals(403, Web.post(reprocess, "Authorization", ALICE, "Sec-Fetch-Site", "same-site").status(),
                "another port or sub-domain is another origin");
        assertEquals(403, Web.post(reprocess, "Authorization", ALICE, "Origin", "null").status(),
                "a sandboxed page, a data: URL, a cross-origin redirect");
        assertEquals(403, Web.post(reprocess, "Authorization", ALICE, "Origin", "null",
                "Sec-Fetch-Site", "cross-site").status());
        assertEquals(403, Web.post(reprocess, "Authorization", ALICE, "Origin", "http://127.0.0.1:1").status(),
                "same host, other port");
        assertEquals(403, Web.post(reprocess, "Authorization", ALICE, "Origin",
                base.replace("http://", "https://")).status(), "other scheme");
        assertEquals(403, Web.post(reprocess, "Authorization", ALICE, "Origin", base,
                "Sec-Fetch-Site", "cross-site").status(), "either sign is enough");
        // The API and the other forms alike; and before the login check, so no password prompt for another site.
        Web.Answer api = Web.post(base + "/api/messages/1/reprocess", "Authorization", Web.bearer(TOKEN),
                "Origin", "https://evil.example");
        assertEquals(403, api.status());
        assertTrue(JSON.readTree(api.body()).get("error").asText().startsWith("Refused: "), api.body());
        assertEquals(403, Web.send("POST", base + "/check", "domain=example.com", "Origin", "https://evil.example")
                .status());
        assertEquals(403, Web.post(base + "/domains/example.com/check", "Sec-Fetch-Site", "cross-site").status());
        for (String method : List.of("PUT", "PATCH", "DELETE")) {
            assertEquals(403, Web.send(method, reprocess, null, "Authorization", ALICE, "Origin",
                    "https://evil.example").status(), method);
        }
        assertEquals(1, JSON.readTree(Web.get(base + "/api/stats", "Authorization", ALICE).body())
                .get("quarantineEntries").asLong());
    }

    @Test
    void sameOriginPostsPass() {
        Web.Answer form = Web.post(base + "/messages/1/reprocess", "Authorization", ALICE, "Origin", base,
                "Sec-Fetch-Site", "same-origin");
        assertEquals(303, form.status(), form.toString());
        assertEquals("/quarantine", form.header("Location"));
        assertSecurityHeaders(form, "303");
        assertEquals(303, Web.post(base + "/messages/1/reprocess", "Authorization", ALICE,
                "Origin", base.replace("127.0.0.1", "127.0.0.1".toUpperCase())).status());
        assertEquals(303, Web.post(base + "/messages/1/reprocess", "Authorization", ALICE,
                "Sec-Fetch-Site", "same-origin").status(), "Sec-Fetch-Site without Origin");
        assertEquals(303, Web.post(base + "/messages/1/reprocess", "Authorization", ALICE,
                "Sec-Fetch-Site", "none").status(), "typed or bookmarked by the user");
        assertEquals(303, Web.post(base + "/messages/1/reprocess", "Authorization", ALICE).status(),
                "no Origin and no Sec-Fetch-Site: not a browser");
        // Behind a TLS reverse proxy that forwards the public host and scheme.
        assertEquals(303, Web.post(base + "/messages/1/reprocess", "Authorization", ALICE,
                "Origin", "https://dash.example.org", "X-Forwarded-Host", "dash.example.org",
                "X-Forwarded-Proto", "https").status());
        // Or one that rewrites Host to an internal name, with the public origin in allowed-origins (default port
        // written or not). Written on a socket: the JDK client does not let a test choose the Host header.
        int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
        for (String origin : List.of("https://dashboard.example.net", "https://dashboard.example.net:443",
                "HTTPS://Dashboard.Example.Net")) {
            Web.Answer proxied = Web.raw(port, "POST", "/messages/1/reprocess", "Host", "collector.internal:8080",
                    "Authorization", ALICE, "Origin", origin, "Sec-Fetch-Site", "same-origin");
            assertEquals(303, proxied.status(), origin + ": " + proxied);
        }
        // A page of ours under a no-referrer policy hides its origin; the browser still says same-origin. (On a
        // Host that is localhost, Micronaut's own "drive-by localhost" guard refuses Origin: null before that.)
        assertEquals(303, Web.raw(port, "POST", "/messages/1/reprocess", "Host", "collector.internal:8080",
                "Authorization", ALICE, "Origin", "null", "Sec-Fetch-Site", "same-origin").status());
        Web.Answer plainHttp = Web.raw(port, "POST", "/messages/1/reprocess", "Host", "collector.internal:8080",
                "Authorization", ALICE, "Origin", "http://dashboard.example.net");
        assertEquals(403, plainHttp.status(), "the scheme is part of the origin");
        assertTrue(plainHttp.body().contains("this is http://collector.internal:8080"), plainHttp.body());
        // Safe methods are never refused: links from other sites to the dashboard keep working (a browser sends no
        // Origin when it follows a link).
        assertEquals(200, Web.get(base + "/", "Authorization", ALICE, "Sec-Fetch-Site", "cross-site").status());
    }
}
