package io.tlsrpt.collector.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import io.tlsrpt.collector.support.TestCertificates;
import io.tlsrpt.collector.support.TestHttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published records beside the failures: a real DNS server and a real HTTPS server for the MTA-STS policy, both
 * on loopback; checks on demand and after a report arrives, the history of each record, the finding that needs
 * history (policy changed, id not), and reported-against-published drift on the domain page.
 */
class PublishedRecordsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String POLICY_PATH = "/.well-known/mta-sts.txt";
    static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmax_age: 604800\r\n";

    @TempDir
    Path dir;
    TestHttpsServer https;
    Collector collector;

    @BeforeEach
    void start() {
        TestCertificates.Ca ca = TestCertificates.ca("Test CA");
        TestCertificates.Issued mtaSts = ca.issue("mta-sts.example.com");
        https = TestHttpsServer.start(new TestCertificates.SniKeyManager(Map.of("mta-sts.example.com", mtaSts),
                mtaSts));
        https.respond("mta-sts.example.com", POLICY_PATH, 200, "text/plain", POLICY);
        Path trust = ca.trustStore(dir);
        collector = Collector.start(dir.resolve("data"), new HashMap<>(Map.of(
                "tlsrpt.checks.allow-private-networks", true,
                "tlsrpt.checks.https-port", https.port(),
                "tlsrpt.checks.starttls", false,
                "tlsrpt.checks.trust-store", trust.toString(),
                "tlsrpt.checks.trust-store-password", TestCertificates.PASSWORD,
                "tlsrpt.smtp.recipients", List.of(Mailer.RUA),
                // the test changes DNS between checks: no cached answers
                "tlsrpt.dns.cache-ttl-cap", "0s")));
        collector.dns()
                .txt("_smtp._tls.example.com", "v=TLSRPTv1; rua=mailto:" + Mailer.RUA)
                .txt("_mta-sts.example.com", "v=STSv1; id=20260101")
                .a("mta-sts.example.com", "127.0.0.1")
                .mx("example.com", 10, "mx1.example.com")
                .a("mx1.example.com", "127.0.0.1");
    }

    @AfterEach
    void stop() {
        collector.close();
        https.close();
    }

    JsonNode json(Collector.Http r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(r.body(), e);
        }
    }

    static List<String> checks(JsonNode records) {
        List<String> ids = new ArrayList<>();
        records.get("snapshot").get("findings").forEach(f -> ids.add(f.get("check").asText()));
        return ids;
    }

    @Test
    void checksOnDemandAndKeepsTheHistoryOfEveryRecord() {
        assertEquals(404, collector.get("/api/domains/example.com/records").status());

        Collector.Http checked = collector.post("/api/domains/example.com/check");
        assertEquals(200, checked.status(), checked.body());
        JsonNode records = json(checked);
        JsonNode snapshot = records.get("snapshot");
        assertEquals("enforce", snapshot.get("mtaStsPolicy").get("mode").asText());
        assertEquals(200, snapshot.get("policy").get("status").asInt());
        assertTrue(snapshot.get("tlsrptTxt").get("records").get(0).asText().contains("rua=mailto:" + Mailer.RUA));
        for (JsonNode f : snapshot.get("findings")) {
            assertFalse(f.get("severity").asText().equals("ERROR"), "a clean domain has no error: " + f);
        }
        List<String> kinds = records.get("versions").findValuesAsText("kind");
        assertTrue(kinds.containsAll(List.of("tlsrpt-txt", "mta-sts-txt", "mta-sts-policy", "mx")), kinds.toString());
        assertEquals(200, collector.get("/api/domains/example.com/records").status());

        // The policy changes, the id does not: senders keep the old policy (RFC 8461 §3.1).
        https.respond("mta-sts.example.com", POLICY_PATH, 200, "text/plain", POLICY.replace("enforce", "testing"));
        JsonNode changed = json(collector.post("/api/domains/example.com/check"));
        assertTrue(checks(changed).contains("policy.id-unchanged"), checks(changed).toString());
        long policyVersions = changed.get("versions").findValuesAsText("kind").stream()
                .filter("mta-sts-policy"::equals).count();
        assertEquals(2, policyVersions);

        // A new id clears it.
        collector.dns().replace("_mta-sts.example.com", org.xbill.DNS.Type.TXT);
        collector.dns().txt("_mta-sts.example.com", "v=STSv1; id=20260202");
        JsonNode fixed = json(collector.post("/api/domains/example.com/check"));
        assertFalse(checks(fixed).contains("policy.id-unchanged"), checks(fixed).toString());

        Collector.Http page = collector.get("/domains/example.com");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("Published records"));
        assertTrue(page.body().contains("mode: testing"), "the policy as published");
        assertTrue(page.body().contains("MTA-STS policy file changed on"), "record changes on the time line");
    }

    @Test
    void domainPageComparesWhatReportersSawWithWhatIsPublished() throws Exception {
        https.respond("mta-sts.example.com", POLICY_PATH, 404, "text/plain", "not here");
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        String report = """
                {"organization-name":"Google Inc.","date-range":{"start-datetime":"%1$sT00:00:00Z",
                 "end-datetime":"%1$sT23:59:59Z"},"contact-info":"smtp-tls-reporting@google.com",
                 "report-id":"%1$s_example.com","policies":[{"policy":{"policy-type":"sts",
                 "policy-string":["version: STSv1","mode: testing","mx: mx1.example.com","max_age: 86400"],
                 "policy-domain":"example.com","mx-host":["mx1.example.com"]},
                 "summary":{"total-successful-session-count":10,"total-failure-session-count":7},
                 "failure-details":[{"result-type":"sts-policy-fetch-error","failed-session-count":4},
                 {"result-type":"certificate-host-mismatch","receiving-mx-hostname":"mx9.example.com",
                  "receiving-ip":"192.0.2.9","failed-session-count":3}]}]}""".formatted(day);
        new Mailer(collector.smtpPort()).sendJson(report.getBytes(StandardCharsets.UTF_8), "example.com",
                "google.com", "r", Mailer.RUA);
        StoreBeforeReplyTest.waitFor(() -> json(collector.get("/api/stats")).get("reportsStored").asLong() == 1);

        // While the policy answered 404, the fetch error explains the reporters' sts-policy-fetch-error.
        JsonNode failing = json(collector.post("/api/domains/example.com/check"));
        assertTrue(checks(failing).contains("policy.fetch"), checks(failing).toString());
        String page = collector.get("/domains/example.com").body();
        assertTrue(page.contains("href=\"#finding-"), "failure group links to the finding that explains it");
        assertTrue(page.contains("href=\"#failure-"), "the finding links back to the failure group");

        // Policy published again: Google last saw mode testing, and mx9 is not covered by the policy.
        https.respond("mta-sts.example.com", POLICY_PATH, 200, "text/plain", POLICY);
        collector.post("/api/domains/example.com/check");
        page = collector.get("/domains/example.com").body();
        assertTrue(page.contains("Reported against published"));
        assertTrue(page.contains("mode: testing"), "the reported-only line");
        assertTrue(page.contains("mx9.example.com") && page.contains("no mx line of the published policy covers it"),
                page);
    }

    @Test
    void aReportForADomainNotCheckedRecentlyTriggersACheck() throws Exception {
        collector.close();
        collector = Collector.start(dir.resolve("data2"), new HashMap<>(Map.of(
                "tlsrpt.checks.enabled", true,
                "tlsrpt.checks.allow-private-networks", true,
                "tlsrpt.checks.https-port", https.port(),
                "tlsrpt.checks.starttls", false)));
        collector.dns().txt("_smtp._tls.example.com", "v=TLSRPTv1; rua=mailto:" + Mailer.RUA)
                .a("mta-sts.example.com", "127.0.0.1").mx("example.com", 10, "mx1.example.com");
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        String report = ("{\"organization-name\":\"Example\",\"date-range\":{\"start-datetime\":\"%1$sT00:00:00Z\","
                + "\"end-datetime\":\"%1$sT23:59:59Z\"},\"report-id\":\"x\",\"policies\":[{\"policy\":"
                + "{\"policy-type\":\"no-policy-found\",\"policy-domain\":\"example.com\"},\"summary\":"
                + "{\"total-successful-session-count\":1,\"total-failure-session-count\":0}}]}").formatted(day);
        new Mailer(collector.smtpPort()).sendJson(report.getBytes(StandardCharsets.UTF_8), "example.com",
                "example.net", "x", Mailer.RUA);
        StoreBeforeReplyTest.waitFor(() -> collector.get("/api/domains/example.com/records").status() == 200);
        assertTrue(collector.dns().queryCount("_smtp._tls.example.com", "TXT") >= 1);
    }

    @Test
    void anyDomainCanBeCheckedOnTheCheckPage() {
        collector.dns().txt("_smtp._tls.other.example", "v=TLSRPTv1;rua=mailto:reports@other.example");
        Collector.Http posted = collector.postForm("/check", "domain=Other.Example.");
        assertTrue(posted.status() == 303 || posted.status() == 200, posted.status() + " " + posted.body());
        Collector.Http page = collector.get("/check?domain=other.example");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("v=TLSRPTv1;rua=mailto:reports@other.example"), page.body());
        assertTrue(page.body().contains("Findings"));
        assertEquals(400, collector.postForm("/check", "domain=").status());
    }
}
