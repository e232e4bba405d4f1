package io.tlsrpt.collector.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Corpus;
import io.tlsrpt.collector.support.Mailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Processing again gives the same stored state; the roll-ups always equal the figures computed from the raw rows;
 * text that strangers wrote is escaped on every page.
 */
class ReprocessAndEscapingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALL = "from=2016-01-01&to=2026-12-31";
    static final String SCRIPT = "<script>alert(1)</script>";

    @TempDir
    static Path dataDir;
    static Collector collector;

    @BeforeAll
    static void start() throws Exception {
        collector = Collector.start(dataDir, Map.of());
        Mailer mailer = new Mailer(collector.smtpPort());
        mailer.sendJson(Corpus.bytes("mailweave/microsoft.com!example.com!1739750400!1739836799!133843802167204397.json"),
                "example.com", "microsoft.com", "m", Mailer.RUA);
        mailer.sendJson(Corpus.bytes("parsedmarc/smtp_tls.json"), "example.com", "example.com", "x", Mailer.RUA);
        mailer.sendJson(Corpus.bytes("dmarc-report-viewer/microsoft.json"), "random.net", "microsoft.com", "r",
                Mailer.RUA);
        mailer.sendRaw(Corpus.bytes("mail-auth/rpt01.eml"), Mailer.RUA);
        String hostile = """
                {"organization-name":"%1$s","date-range":{"start-datetime":"2025-03-01T00:00:00Z",
                 "end-datetime":"2025-03-01T23:59:59Z"},"contact-info":"%1$s@x","report-id":"%1$s",
                 "policies":[{"policy":{"policy-type":"%1$s","policy-string":["mode: %1$s"],
                 "policy-domain":"%1$s.example","mx-host":["%1$s"]},
                 "summary":{"total-successful-session-count":1,"total-failure-session-count":2},
                 "failure-details":[{"result-type":"%1$s","sending-mta-ip":"%1$s","receiving-mx-hostname":"%1$s",
                 "receiving-ip":"%1$s","failed-session-count":2,"failure-reason-code":"%1$s",
                 "additional-information":"%1$s"}]}]}""".formatted(SCRIPT.replace("/", "\\/"));
        mailer.sendJson(hostile.getBytes(StandardCharsets.UTF_8), "hostile.example", "hostile.example", "h",
                Mailer.RUA);
        mailer.sendJson("not json <script>alert(2)</script>".getBytes(StandardCharsets.UTF_8), "bad.example",
                "bad.example", "q", Mailer.RUA);
        waitUntilProcessed();
    }

    @AfterAll
    static void stop() {
        collector.close();
    }

    static void waitUntilProcessed() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (json("/api/stats").get("messagesPending").asLong() != 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("still pending");
            }
            Thread.sleep(100);
        }
    }

    static JsonNode json(String path) {
        try {
            return JSON.readTree(collector.get(path).body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyPageEscapesWhatStrangersWrote() {
        JsonNode reports = json("/api/reports?" + ALL + "&domain=" + "hostile.example");
        assertEquals(1, reports.get("total").asLong(), reports.toString());
        long id = reports.get("items").get(0).get("id").asLong();
        assertEquals(SCRIPT, reports.get("items").get(0).get("organization").asText(), "stored as sent");
        String domainPath = "/domains/" + java.net.URLEncoder.encode(SCRIPT.toLowerCase() + ".example",
                StandardCharsets.UTF_8).replace("+", "%20");
        for (String page : List.of("/?" + ALL, "/failures?" + ALL, "/reports?" + ALL, "/reports/" + id,
                domainPath + "?" + ALL, "/domains/hostile.example?" + ALL, "/quarantine")) {
            Collector.Http r = collector.get(page);
            assertEquals(200, r.status(), page);
            assertFalse(r.body().contains("<script>"), page + " contains an unescaped script tag");
        }
        assertTrue(collector.get("/reports/" + id).body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(collector.get("/quarantine").body().contains("not-json")
                || collector.get("/quarantine").body().contains("invalid-json"));
    }

    @Test
    void processingAgainGivesTheSameStateAndRollupsEqualTheRawRows() throws Exception {
        JsonNode before = json("/api/stats");
        String failuresBefore = json("/api/failures?" + ALL).get("items").toString();
        String domainsBefore = json("/api/domains?" + ALL).get("items").toString();
        long messages = before.get("messagesReceived").asLong();
        for (long id = 1; id <= messages; id++) {
            assertEquals(200, collector.post("/api/messages/" + id + "/reprocess").status());
        }
        JsonNode after = json("/api/stats");
        assertEquals(before.get("reportsStored"), after.get("reportsStored"));
        assertEquals(before.get("duplicates"), after.get("duplicates"));
        assertEquals(before.get("quarantineEntries"), after.get("quarantineEntries"));
        assertEquals(failuresBefore, json("/api/failures?" + ALL).get("items").toString());
        assertEquals(domainsBefore, json("/api/domains?" + ALL).get("items").toString());
        assertEquals(404, collector.post("/api/messages/999999/reprocess").status());
        assertRollupsEqualRawRows();
    }

    static void assertRollupsEqualRawRows() throws Exception {
        DataSource ds = collector.context().getBean(DataSource.class);
        try (Connection c = ds.getConnection()) {
            assertEquals(
                    scalar(c, "SELECT COALESCE(SUM(failed_session_count), 0) FROM failure_detail"),
                    scalar(c, "SELECT COALESCE(SUM(sessions), 0) FROM daily_failure"));
            assertEquals(scalar(c, "SELECT COUNT(*) FROM failure_detail"),
                    scalar(c, "SELECT COALESCE(SUM(details), 0) FROM daily_failure"));
            assertEquals(scalar(c, "SELECT COALESCE(SUM(total_failure), 0) FROM policy"),
                    scalar(c, "SELECT COALESCE(SUM(failed), 0) FROM daily_domain"));
            assertEquals(scalar(c, "SELECT COALESCE(SUM(total_successful), 0) FROM policy"),
                    scalar(c, "SELECT COALESCE(SUM(successful), 0) FROM daily_domain"));
            assertEquals(scalar(c, "SELECT COUNT(*) FROM (SELECT DISTINCT report_id, domain FROM policy) x"),
                    scalar(c, "SELECT COALESCE(SUM(reports), 0) FROM daily_domain"));
            assertTrue(scalar(c, "SELECT COUNT(*) FROM failure_detail") > 0);
        }
    }

    static long scalar(Connection c, String sql) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
