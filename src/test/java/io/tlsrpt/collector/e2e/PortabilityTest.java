package io.tlsrpt.collector.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What H2 and PostgreSQL store differently, made the same. Synthetic reports (no public sample has these).
 */
class PortabilityTest {
    static final String JSON = """
            {"organization-name":"Ex\\u0000ample","date-range":{"start-datetime":"2025-03-01T00:00:00Z",
             "end-datetime":"2025-03-01T23:59:59Z"},"contact-info":"a\\u0000@x","report-id":"nul\\u0000id",
             "policies":[{"policy":{"policy-type":"sts","policy-string":["mode: enf\\u0000orce"],
             "policy-domain":"nul.example","mx-host":["mx\\u0000.nul.example"]},
             "summary":{"total-successful-session-count":5,"total-failure-session-count":2},
             "failure-details":[{"result-type":"certificate-\\u0000expired","sending-mta-ip":"192.0.2.1",
             "receiving-mx-hostname":"mx\\u0000.nul.example","receiving-ip":"198.51.100.1",
             "failed-session-count":2,"failure-reason-code":"x\\u0000y","additional-information":"\\u0000"}]}]}""";

    @TempDir
    Path dataDir;

    /**
     * A report may carry U+0000 as a JSON escape, and the parser keeps it verbatim; PostgreSQL refuses it in text
     * columns (H2 keeps it). It is stored as U+FFFD on both, the report is stored once (a second arrival is its
     * duplicate: the key is computed over the stored form), processing it again gives the same state, and the
     * roll-ups equal the raw rows.
     */
    @Test
    void nulIsStoredAsAReplacementCharacterOnEveryDatabase() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of())) {
            Mailer mailer = new Mailer(c.smtpPort());
            mailer.sendJson(JSON.getBytes(StandardCharsets.UTF_8), "nul.example", "example.com", "n1", Mailer.RUA);
            mailer.sendJson(JSON.getBytes(StandardCharsets.UTF_8), "nul.example", "example.com", "n2", Mailer.RUA);
            RandomizedRollupsTest.waitUntilProcessed(c);
            assertStoredOnce(c);
            JsonNode reports = RandomizedRollupsTest.json(c, "/api/reports?from=2025-03-01&to=2025-03-01");
            assertEquals("Ex\uFFFDample", reports.get("items").get(0).get("organization").asText());
            assertEquals("nul\uFFFDid", reports.get("items").get(0).get("reportId").asText());
            JsonNode failures = RandomizedRollupsTest.json(c, "/api/failures?from=2025-03-01&to=2025-03-01");
            assertEquals("certificate-\uFFFDexpired", failures.get("items").get(0).get("resultType").asText());
            assertEquals(200, c.get("/reports/" + reports.get("items").get(0).get("id").asLong()).status());

            for (int id = 1; id <= 2; id++) {
                assertEquals(200, c.post("/api/messages/" + id + "/reprocess").status());
            }
            assertStoredOnce(c);
        }
    }

    /**
     * Both databases keep microseconds and round the rest: a date-range that starts at 23:59:59.9999999 would be
     * read back as the next day, and processing the message again would subtract its sessions from a day they were
     * never added to. Instants are stored cut to microseconds, so the day read back is the day stored.
     */
    @Test
    void aStartJustBeforeMidnightStaysOnItsDay() throws Exception {
        String json = JSON.replace("2025-03-01T00:00:00Z", "2025-03-01T23:59:59.9999999Z")
                .replace("2025-03-01T23:59:59Z", "2025-03-02T23:59:59.9999999Z");
        try (Collector c = Collector.start(dataDir, Map.of())) {
            new Mailer(c.smtpPort()).sendJson(json.getBytes(StandardCharsets.UTF_8), "nul.example", "example.com",
                    "m", Mailer.RUA);
            RandomizedRollupsTest.waitUntilProcessed(c);
            for (int i = 0; i < 2; i++) {
                assertEquals(200, c.post("/api/messages/1/reprocess").status());
            }
            JsonNode domains = RandomizedRollupsTest.json(c, "/api/domains?from=2025-03-01&to=2025-03-01");
            assertEquals(1, domains.get("total").asLong(), domains.toString());
            assertEquals(5, domains.get("items").get(0).get("successful").asLong());
            assertEquals(1, RollupCheck.scalar(c.context().getBean(javax.sql.DataSource.class),
                    "SELECT COUNT(*) FROM daily_domain"));
            RollupCheck.assertRollupsEqualRawRows(c.context().getBean(javax.sql.DataSource.class));
        }
    }

    static void assertStoredOnce(Collector c) throws Exception {
        JsonNode stats = RandomizedRollupsTest.json(c, "/api/stats");
        assertEquals(1, stats.get("reportsStored").asLong(), stats.toString());
        assertEquals(1, stats.get("duplicates").asLong(), stats.toString());
        assertEquals(0, stats.get("quarantineEntries").asLong(), stats.toString());
        RollupCheck.assertRollupsEqualRawRows(c.context().getBean(javax.sql.DataSource.class));
    }
}
