package io.tlsrpt.collector.https;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static io.tlsrpt.collector.https.TestReports.bytes;
import static io.tlsrpt.collector.https.TestReports.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTPS report path around the edges: the rate limit (429 with Retry-After), the client address behind a
 * trusted proxy, no login needed when the dashboard has one, a configured path, reports larger than Micronaut's own
 * request limit, an unavailable database (503), and processing switched off (202).
 */
class HttpsLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MICROSOFT = "mailweave/microsoft.com!example.com!1739750400!1739836799!133843802167204397.json";

    @TempDir
    Path dataDir;

    static byte[] report(String id) {
        return bytes(json("Limit Org", id, "2026-02-01", "limits.example", "certificate-expired",
                "mx1.limits.example"));
    }

    static JsonNode answer(TestReports.Answer a) throws Exception {
        return JSON.readTree(a.body());
    }

    @Test
    void postsPastTheRateGet429WithRetryAfterPerClientAddress() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.http.reports-per-minute", 3))) {
            String url = c.baseUrl() + "/tlsrpt";
            for (int i = 0; i < 3; i++) {
                assertEquals(201, TestReports.post(url, "application/tlsrpt+json", report("rate-" + i)).status());
            }
            TestReports.Answer refused = TestReports.post(url, "application/tlsrpt+json", report("rate-3"));
            assertEquals(429, refused.status(), refused.body());
            int retryAfter = Integer.parseInt(refused.header("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 20, "Retry-After " + retryAfter);
            JsonNode b = answer(refused);
            assertEquals("rate-limited", b.get("result").asText());
            assertTrue(b.get("message").asText().contains("at most 3 a minute"), b.toString());
            // Without a trusted proxy, X-Forwarded-For is the client's own claim and changes nothing.
            TestReports.Answer claimed = TestReports.post(url, "application/tlsrpt+json", report("rate-4"),
                    "X-Forwarded-For", "203.0.113.50");
            assertEquals(429, claimed.status(), claimed.body());
            assertEquals(3, JSON.readTree(c.get("/api/stats").body()).get("messagesReceived").asLong());
        }
    }

    @Test
    void behindATrustedProxyTheForwardedClientIsRecordedAndLimited() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.http.reports-per-minute", 1,
                "tlsrpt.http.trusted-proxies", List.of("127.0.0.0/8")))) {
            String url = c.baseUrl() + "/tlsrpt";
            // The right-most address that is not a trusted proxy is the client; what it claims further left is not.
            TestReports.Answer a = TestReports.post(url, "application/tlsrpt+json", report("proxy-1"),
                    "X-Forwarded-For", "192.0.2.99, 203.0.113.7, 127.0.0.2");
            assertEquals(201, a.status(), a.body());
            long messageId = answer(a).get("messageId").asLong();
            TestReports.Answer b = TestReports.post(url, "application/tlsrpt+json", report("proxy-2"),
                    "X-Forwarded-For", "203.0.113.8");
            assertEquals(201, b.status(), b.body());
            TestReports.Answer again = TestReports.post(url, "application/tlsrpt+json", report("proxy-3"),
                    "X-Forwarded-For", "203.0.113.7");
            assertEquals(429, again.status(), again.body());
            assertTrue(answer(again).get("message").asText().contains("203.0.113.7"), again.body());

            JsonNode reports = JSON.readTree(c.get("/api/reports?from=2026-02-01&to=2026-02-01").body());
            boolean found = false;
            for (JsonNode r : reports.get("items")) {
                if (r.get("messageId").asLong() == messageId) {
                    JsonNode detail = JSON.readTree(c.get("/api/reports/" + r.get("id").asLong()).body());
                    assertEquals("203.0.113.7", detail.get("detail").get("message").get("clientIp").asText());
                    found = true;
                }
            }
            assertTrue(found, reports.toString());
        }
    }

    @Test
    void theReportPathNeedsNoLoginWhenTheDashboardHasOne() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.http.auth.token", "s3cret-token-for-tests"))) {
            assertEquals(401, c.get("/api/stats").status());
            TestReports.Answer a = TestReports.post(c.baseUrl() + "/tlsrpt", "application/tlsrpt+json",
                    Corpus.bytes(MICROSOFT));
            assertEquals(201, a.status(), a.body());
        }
    }

    @Test
    void aConfiguredPathIsServedAndTheOldOneIsNot() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.http.report-path", "/tls-reports",
                "tlsrpt.http.auth.token", "s3cret-token-for-tests",
                // until the access filter opens tlsrpt.http.report-path by itself, it is listed here
                "tlsrpt.http.auth.open-paths", List.of("/health", "/tls-reports")))) {
            TestReports.Answer a = TestReports.post(c.baseUrl() + "/tls-reports", "application/tlsrpt+json",
                    Corpus.bytes(MICROSOFT));
            assertEquals(201, a.status(), a.body());
            TestReports.Answer old = TestReports.post(c.baseUrl() + "/tlsrpt", "application/tlsrpt+json",
                    Corpus.bytes(MICROSOFT));
            assertTrue(old.status() == 401 || old.status() == 404, old.status() + " " + old.body());
        }
    }

    @Test
    void aConfiguredPathStaysOpenWithoutListingItInOpenPaths() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.http.report-path", "/tls-reports",
                "tlsrpt.http.auth.token", "s3cret-token-for-tests"))) {
            TestReports.Answer a = TestReports.post(c.baseUrl() + "/tls-reports", "application/tlsrpt+json",
                    Corpus.bytes(MICROSOFT));
            assertEquals(201, a.status(), a.body());
        }
    }

    @Test
    void reportsLargerThanMicronautsRequestLimitButWithinTheMailLimitAreStored() throws Exception {
        int max = 12 * 1024 * 1024; // Micronaut's own default limit is 10 MiB
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.smtp.max-message-size", max))) {
            String url = c.baseUrl() + "/tlsrpt";
            TestReports.Answer big = TestReports.post(url, "application/tlsrpt+json",
                    HttpsReportTest.padded(11 * 1024 * 1024));
            assertEquals(201, big.status(), big.body());
            TestReports.Answer chunked = TestReports.postChunked(url, "application/tlsrpt+json",
                    HttpsReportTest.padded(11 * 1024 * 1024 + 1));
            assertEquals(201, chunked.status(), chunked.body());
            TestReports.Answer over = TestReports.post(url, "application/tlsrpt+json", HttpsReportTest.padded(max + 1));
            assertEquals(413, over.status(), over.body());
            assertEquals("too-large", answer(over).get("result").asText());
            TestReports.Answer overChunked = TestReports.postChunked(url, "application/tlsrpt+json",
                    HttpsReportTest.padded(max + 1));
            assertEquals(413, overChunked.status(), overChunked.body());
            assertEquals("too-large", answer(overChunked).get("result").asText());
        }
    }

    @Test
    void anUnavailableDatabaseIs503WithRetryAfterAndProcessingOffIs202() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of())) {
            String url = c.baseUrl() + "/tlsrpt";
            DataSource ds = c.context().getBean(DataSource.class);
            exec(ds, "ALTER TABLE message_body RENAME TO message_body_away");
            try {
                TestReports.Answer a = TestReports.post(url, "application/tlsrpt+json", report("db-1"));
                assertEquals(503, a.status(), a.body());
                assertEquals("60", a.header("Retry-After"));
                assertEquals("unavailable", answer(a).get("result").asText());
                assertTrue(answer(a).get("message").asText().contains("retry later"), a.body());
            } finally {
                exec(ds, "ALTER TABLE message_body_away RENAME TO message_body");
            }
            assertEquals(201, TestReports.post(url, "application/tlsrpt+json", report("db-1")).status());
        }
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.processing.enabled", false))) {
            TestReports.Answer a = TestReports.post(c.baseUrl() + "/tlsrpt", "application/tlsrpt+json",
                    report("off-1"));
            assertEquals(202, a.status(), a.body());
            assertEquals("accepted", answer(a).get("result").asText());
            assertEquals(1, JSON.readTree(c.get("/api/stats").body()).get("messagesPending").asLong());
        }
        // With processing on again, the sweep takes the stored report once its hold has passed; not waited for here.
    }

    static void exec(DataSource ds, String sql) throws Exception {
        try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
            s.execute(sql);
        }
    }
}
