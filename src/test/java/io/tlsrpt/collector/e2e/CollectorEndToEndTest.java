package io.tlsrpt.collector.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Corpus;
import io.tlsrpt.collector.support.Mailer;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole path: a real SMTP client mails real report e-mails to the running collector; the stored data, the API
 * and the HTML pages show the failures; duplicates count once; broken input ends in quarantine with a reason;
 * over-size mail gets 552 and a recipient not accepted 550.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CollectorEndToEndTest {
    static final String ALL = "from=2016-01-01&to=2026-12-31";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static Collector collector;
    static Mailer mailer;

    @BeforeAll
    static void start() throws Exception {
        collector = Collector.start(dataDir, Map.of(
                "tlsrpt.smtp.recipients", List.of(Mailer.RUA, "@example.net", "@cardinalhealth.com",
                        "romain@blogreen.org"),
                "tlsrpt.smtp.max-message-size", 200_000));
        mailer = new Mailer(collector.smtpPort());
        // Real report e-mails, as their senders wrote them.
        mailer.sendRaw(Corpus.bytes("parsedmarc/google.com_smtp_tls_report.eml"), "dmarcreports@cardinalhealth.com");
        mailer.sendRaw(Corpus.bytes("email-report-processor/report.elm"), "romain@blogreen.org");
        mailer.sendRaw(Corpus.bytes("mail-auth/rpt01.eml"), "mts-sts-tlsrpt@example.net");
        mailer.sendRaw(Corpus.bytes("mail-auth/rpt02.eml"), "mts-sts-tlsrpt@example.net");
        // The RFC 8460 example again, from another fixture: same organization, report-id and range = duplicate.
        mailer.sendRaw(Corpus.bytes("tlsrpt-be/test.eml"), "mts-sts-tlsrpt@example.net");
        // Real JSON reports, mailed the way RFC 8460 §5.3 says.
        mailer.sendJson(Corpus.bytes(
                        "mailweave/microsoft.com!example.com!1739750400!1739836799!133843802167204397.json"),
                "example.com", "microsoft.com", "133843802167204397+example.com", Mailer.RUA);
        mailer.sendJson(Corpus.bytes("parsedmarc/smtp_tls.json"), "example.com", "example.com", "x", Mailer.RUA);
        mailer.sendJson(Corpus.bytes("parsedmarc/mail.ru.json"), "example.com", "mail.ru", "y", Mailer.RUA);
        waitUntilProcessed();
    }

    @AfterAll
    static void stop() {
        collector.close();
    }

    static void waitUntilProcessed() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (json("/api/stats").get("messagesPending").asLong() == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("messages still pending after 60 s: " + collector.get("/api/stats").body());
    }

    static JsonNode json(String path) {
        Collector.Http r = collector.get(path);
        assertEquals(200, r.status(), path + ": " + r.body());
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(path + " did not answer JSON: " + r.body(), e);
        }
    }

    static JsonNode group(JsonNode page, String resultType, String mx) {
        for (JsonNode g : page.get("items")) {
            if (g.get("resultType").asText().equals(resultType) && g.get("receivingMx").asText().equals(mx)) {
                return g;
            }
        }
        throw new AssertionError("no group " + resultType + " / " + mx + " in " + page);
    }

    @Test
    @Order(1)
    void storesEveryReportOnceAndCountsTheDuplicate() {
        JsonNode stats = json("/api/stats");
        assertEquals(8, stats.get("messagesReceived").asLong());
        assertEquals(7, stats.get("reportsStored").asLong(), stats.toString());
        assertEquals(1, stats.get("duplicates").asLong(), stats.toString());
        assertEquals(0, stats.get("quarantineEntries").asLong(), collector.get("/api/quarantine").body());
    }

    @Test
    @Order(2)
    void failuresAreGroupedWithTheirCounts() {
        JsonNode page = json("/api/failures?domain=example.com&" + ALL);
        JsonNode mismatch = group(page, "certificate-host-mismatch", "outgoing-smtp-2.example.com");
        assertEquals(21, mismatch.get("sessions").asLong());
        // Who reported it and between which addresses, as seen on the group's last day; none sent a sending IP.
        assertEquals(List.of("192.0.2.4"), JSON.convertValue(mismatch.get("receivingIps"), List.class));
        assertEquals(List.of(), JSON.convertValue(mismatch.get("sendingMtaIps"), List.class));
        assertEquals(List.of("Microsoft Corporation"), JSON.convertValue(mismatch.get("organizations"), List.class));
        assertEquals("2025-02-17", mismatch.get("firstDay").asText());
        // Validation failures are grouped by what is broken where (domain, policy type, MX), whichever sending IP
        // met them; their sessions add up.
        long validation = 0;
        for (JsonNode g : page.get("items")) {
            if (g.get("resultType").asText().equals("validation-failure")) {
                validation += g.get("sessions").asLong();
            }
        }
        assertEquals(3, validation);
        // Mail.ru: two details of 1 each although the summary says 1 (kept as sent).
        assertEquals(2, group(page, "sts-policy-fetch-error", "").get("sessions").asLong());
    }

    @Test
    @Order(3)
    void theDuplicateAddsNothingToTheCounts() {
        JsonNode page = json("/api/failures?domain=company-y.example&" + ALL);
        assertEquals(100, group(page, "certificate-expired", "mx1.mail.company-y.example").get("sessions").asLong());
        JsonNode domains = json("/api/domains?" + ALL);
        JsonNode companyY = null;
        for (JsonNode d : domains.get("items")) {
            if (d.get("domain").asText().equals("company-y.example")) {
                companyY = d;
            }
        }
        assertTrue(companyY != null, domains.toString());
        assertEquals(1, companyY.get("reports").asLong());
        assertEquals(5326, companyY.get("successful").asLong());
        assertEquals(303, companyY.get("failed").asLong());
    }

    @Test
    @Order(4)
    void overviewListsEveryPolicyDomain() {
        JsonNode domains = json("/api/domains?" + ALL);
        List<String> names = domains.get("items").findValuesAsText("domain");
        assertTrue(names.containsAll(List.of("example.com", "company-y.example", "cardinalhealth.ca", "blogreen.org")),
                names.toString());
        assertEquals(names.size(), domains.get("total").asInt());
    }

    @Test
    @Order(5)
    void reportApiShowsEveryFieldAndTheRawJson() {
        JsonNode reports = json("/api/reports?domain=example.com&" + ALL);
        long id = -1;
        for (JsonNode r : reports.get("items")) {
            if (r.get("organization").asText().equals("Microsoft Corporation")) {
                id = r.get("id").asLong();
            }
        }
        assertTrue(id > 0, reports.toString());
        JsonNode view = json("/api/reports/" + id);
        JsonNode report = view.get("detail").get("report");
        assertEquals("133843802167204397+example.com", report.get("reportId").asText());
        assertEquals("tlsrpt-noreply@microsoft.com", report.get("contactInfo").asText());
        assertEquals("sts", report.get("policies").get(0).get("policyType").asText());
        assertTrue(view.get("json").asText().contains("\"certificate-host-mismatch\""));
        assertEquals("example.com", view.get("detail").get("message").get("tlsReportDomain").asText());
        assertEquals(404, collector.get("/api/reports/999999").status());
    }

    @Test
    @Order(6)
    void pagesShowTheFailures() {
        Collector.Http overview = collector.get("/?" + ALL);
        assertEquals(200, overview.status());
        assertTrue(overview.contentType().startsWith("text/html"));
        assertTrue(overview.body().contains("company-y.example"));

        Collector.Http failures = collector.get("/failures?domain=example.com&" + ALL);
        assertTrue(failures.body().contains("outgoing-smtp-2.example.com"));
        assertTrue(failures.body().contains("certificate-host-mismatch"));
        assertTrue(failures.body().contains("Microsoft Corporation"));

        Collector.Http domain = collector.get("/domains/example.com?" + ALL);
        assertEquals(200, domain.status());
        assertTrue(domain.body().contains("<svg"));
        assertTrue(domain.body().contains("mx: incoming-smtp-1.example.com"), "policy-string as the reporter saw it");

        Collector.Http reports = collector.get("/reports?" + ALL);
        assertTrue(reports.body().contains("5065427c-23d3-47ca-b6e0-946ea0e8c4be"));

        assertEquals(200, collector.get("/quarantine").status());
        assertEquals(400, collector.get("/failures?from=yesterday").status());
        assertEquals(400, collector.get("/api/domains?limit=5000").status());
    }

    @Test
    @Order(7)
    void brokenReportAndMessageWithoutReportAreQuarantinedWithReasons() throws Exception {
        mailer.sendJson("{\"organization-name\":\"Broken Inc.\",\"date-range\":{\"start-datetime\":\"2025-01-01T00:00:00Z\",\"end-datetime\":\"2025-01-01T23:59:59Z\"},\"policies\":[]}"
                .getBytes(StandardCharsets.UTF_8), "broken.example", "broken.example", "z", Mailer.RUA);
        MimeMessage text = new MimeMessage(mailer.session());
        text.setFrom("someone@elsewhere.example");
        text.setSubject("hello");
        text.setText("no report in here");
        mailer.send(text, Mailer.RUA);
        waitUntilProcessed();

        JsonNode q = json("/api/quarantine");
        assertEquals(2, q.get("total").asLong(), q.toString());
        String all = q.toString();
        assertTrue(all.contains("missing-field") && all.contains("report-id"), all);
        assertTrue(all.contains("no-report"), all);
        assertEquals(0, json("/api/quarantine?from=2000-01-01&to=2000-01-31").get("total").asLong());
        assertEquals(2, json("/api/quarantine?from=2010-01-01").get("total").asLong());
        Collector.Http page = collector.get("/quarantine");
        assertTrue(page.body().contains("report-id"));
        assertEquals(2, json("/api/stats").get("messagesQuarantined").asLong());
    }

    @Test
    @Order(8)
    void overSizeGets552AndNothingIsKept() throws Exception {
        long before = json("/api/stats").get("messagesReceived").asLong();
        MimeMessage big = new MimeMessage(mailer.session());
        big.setFrom("big@elsewhere.example");
        big.setText("x".repeat(300_000));
        SMTPSendFailedException e = assertThrows(SMTPSendFailedException.class, () -> mailer.send(big, Mailer.RUA));
        assertEquals(552, e.getReturnCode());
        assertEquals(before, json("/api/stats").get("messagesReceived").asLong());
    }

    @Test
    @Order(9)
    void recipientNotAcceptedGets550() {
        MessagingException e = assertThrows(MessagingException.class, () -> mailer.sendJson(
                Corpus.bytes("parsedmarc/smtp_tls.json"), "example.com", "example.com", "x", "someone@other.example"));
        Exception next = e instanceof SMTPAddressFailedException ? e : (Exception) e.getNextException();
        assertTrue(next instanceof SMTPAddressFailedException, String.valueOf(e));
        assertEquals(550, ((SMTPAddressFailedException) next).getReturnCode());
    }

    @Test
    @Order(10)
    void healthIsUp() {
        Collector.Http h = collector.get("/health");
        assertEquals(200, h.status(), h.body());
        assertTrue(h.body().contains("\"smtp\":\"up\""));
        assertFalse(h.body().contains("down"));
    }
}
