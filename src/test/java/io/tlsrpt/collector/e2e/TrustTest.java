package io.tlsrpt.collector.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.cli.ReportMail;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import io.tlsrpt.collector.support.RawSmtp;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.apache.james.jdkim.DKIMSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 8460 §3 (DKIM of the reporting domain) and §7 (foreign domains) end to end: real signatures made here, keys
 * served by the test's DNS server, the flag and require policies, the switches on every view, and a key that cannot
 * be fetched now.
 */
class TrustTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALL = "from=2025-01-01&to=2025-12-31";
    static KeyPair key;

    @TempDir
    Path dir;
    Collector collector;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        key = g.generateKeyPair();
    }

    @AfterEach
    void stop() {
        if (collector != null) {
            collector.close();
        }
    }

    void start(Map<String, Object> settings) {
        collector = Collector.start(dir.resolve("data"), new HashMap<>(settings));
        String record = "v=DKIM1; k=rsa; s=tlsrpt; p=" + Base64.getEncoder().encodeToString(key.getPublic().getEncoded());
        // A TXT string holds at most 255 characters; a 2048-bit key takes two (RFC 7208 §3.3 concatenation).
        collector.dns().txt("sel._domainkey.google.com", record.substring(0, 200), record.substring(200));
    }

    static byte[] reportMail(String reportId, String domain, boolean sign) throws Exception {
        String json = ("{\"organization-name\":\"Google Inc.\",\"date-range\":{\"start-datetime\":"
                + "\"2025-03-01T00:00:00Z\",\"end-datetime\":\"2025-03-01T23:59:59Z\"},\"contact-info\":"
                + "\"smtp-tls-reporting@google.com\",\"report-id\":\"%s\",\"policies\":[{\"policy\":{\"policy-type\":"
                + "\"sts\",\"policy-domain\":\"%s\"},\"summary\":{\"total-successful-session-count\":5,"
                + "\"total-failure-session-count\":2},\"failure-details\":[{\"result-type\":\"certificate-expired\","
                + "\"receiving-mx-hostname\":\"mx1.%s\",\"failed-session-count\":2}]}]}")
                .formatted(reportId, domain, domain);
        MimeMessage m = ReportMail.build(Session.getInstance(new Properties()), json.getBytes(StandardCharsets.UTF_8),
                domain, "google.com", reportId, "google.com!" + domain + "!1!2!001.json.gz",
                "noreply-smtp-tls-reporting@google.com", Mailer.RUA);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        String crlf = out.toString(StandardCharsets.ISO_8859_1);
        if (!sign) {
            return crlf.getBytes(StandardCharsets.ISO_8859_1);
        }
        DKIMSigner signer = new DKIMSigner("v=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com; s=sel; "
                + "h=from:to:subject:tls-report-domain:tls-report-submitter; bh=; b=;", key.getPrivate());
        String header = signer.sign(new ByteArrayInputStream(crlf.getBytes(StandardCharsets.ISO_8859_1)));
        return (header + "\r\n" + crlf).getBytes(StandardCharsets.ISO_8859_1);
    }

    void send(byte[] mail) {
        String reply = RawSmtp.send(collector.smtpPort(), "reports@google.com", Mailer.RUA, mail);
        assertTrue(reply.startsWith("250"), reply);
    }

    JsonNode json(String path) {
        try {
            Collector.Http r = collector.get(path);
            assertEquals(200, r.status(), path + " " + r.body());
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    void waitUntilProcessed() throws InterruptedException {
        StoreBeforeReplyTest.waitFor(() -> json("/api/stats").get("messagesPending").asLong() == 0);
    }

    @Test
    void flagKeepsUnauthenticatedReportsMarkedAndTheSwitchHidesThemEverywhere() throws Exception {
        start(Map.of("tlsrpt.domains", java.util.List.of("example.com")));
        send(reportMail("signed", "example.com", true));
        send(reportMail("unsigned", "example.com", false));
        send(reportMail("foreign", "elsewhere.org", true));
        waitUntilProcessed();

        assertEquals(3, json("/api/reports?" + ALL).get("total").asLong());
        JsonNode authenticated = json("/api/reports?" + ALL + "&unauthenticated=hide");
        assertEquals(2, authenticated.get("total").asLong(), authenticated.toString());
        assertFalse(authenticated.toString().contains("\"unsigned\""));
        assertEquals(2, json("/api/reports?" + ALL + "&foreign=hide").get("total").asLong());
        assertEquals(1, json("/api/reports?" + ALL + "&foreign=hide&unauthenticated=hide").get("total").asLong());
        assertEquals(4, json("/api/failures?" + ALL + "&domain=example.com").get("items").get(0).get("sessions")
                .asLong());
        assertEquals(2, json("/api/failures?" + ALL + "&domain=example.com&unauthenticated=hide").get("items").get(0)
                .get("sessions").asLong());

        // The report page says why.
        long signedId = -1;
        for (JsonNode r : json("/api/reports?" + ALL).get("items")) {
            if (r.get("reportId").asText().equals("signed")) {
                signedId = r.get("id").asLong();
            }
        }
        JsonNode view = json("/api/reports/" + signedId);
        assertEquals("pass", view.get("detail").get("message").get("dkim").get("status").asText());
        assertEquals("google.com", view.get("detail").get("message").get("dkim").get("domain").asText());
        assertTrue(view.get("detail").get("report").get("authenticated").asBoolean());
        assertTrue(collector.get("/reports/" + signedId).body().contains("d=google.com s=sel"));

        // The switch starts off; turned on, it hides them on every view, pages included.
        assertTrue(collector.get("/reports?" + ALL).body().contains("unsigned"));
        assertEquals(303, collector.postForm("/settings", "hideUnauthenticated=on").status());
        assertEquals(2, json("/api/reports?" + ALL).get("total").asLong());
        assertFalse(collector.get("/reports?" + ALL).body().contains(">unsigned<"));
        assertEquals(3, json("/api/reports?" + ALL + "&unauthenticated=show").get("total").asLong());
    }

    @Test
    void requireQuarantinesWhatIsNotSignedByTheReportingDomain() throws Exception {
        start(Map.of("tlsrpt.dkim.policy", "require"));
        send(reportMail("signed", "example.com", true));
        send(reportMail("unsigned", "example.com", false));
        byte[] tampered = new String(reportMail("tampered", "example.com", true), StandardCharsets.ISO_8859_1)
                .replace("TLS-Report-Domain: example.com", "TLS-Report-Domain: example.net")
                .getBytes(StandardCharsets.ISO_8859_1);
        send(tampered);
        waitUntilProcessed();
        assertEquals(1, json("/api/stats").get("reportsStored").asLong());
        JsonNode q = json("/api/quarantine");
        assertEquals(2, q.get("total").asLong(), q.toString());
        for (JsonNode e : q.get("items")) {
            assertEquals("dkim", e.get("code").asText());
            assertTrue(e.get("reason").asText().contains("DKIM"), e.toString());
        }
    }

    @Test
    void aKeyThatCannotBeFetchedNowIsRetriedNotJudged() throws Exception {
        start(Map.of("tlsrpt.dns.timeout", "300ms", "tlsrpt.dns.retries", 0, "tlsrpt.dns.cache-ttl-cap", "0s",
                "tlsrpt.dkim.retry-interval", "1s"));
        collector.dns().silent("sel._domainkey.google.com");
        send(reportMail("later", "example.com", true));
        StoreBeforeReplyTest.waitFor(() -> collector.dns().queryCount("sel._domainkey.google.com", "TXT") >= 1);
        Thread.sleep(1500);
        JsonNode stats = json("/api/stats");
        assertEquals(1, stats.get("messagesPending").asLong(), "waiting, not judged: " + stats);
        assertEquals(0, stats.get("reportsStored").asLong());

        collector.dns().speak("sel._domainkey.google.com");
        waitUntilProcessed();
        JsonNode reports = json("/api/reports?" + ALL + "&unauthenticated=hide");
        assertEquals(1, reports.get("total").asLong(), "passed once the key could be fetched: " + reports);
    }
}
