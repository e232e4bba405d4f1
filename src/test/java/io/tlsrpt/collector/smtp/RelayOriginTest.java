package io.tlsrpt.collector.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.cli.ReportMail;
import io.tlsrpt.collector.store.DashboardQueries;
import io.tlsrpt.collector.store.view.MessageInfo;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Behind a relay in tlsrpt.smtp.trusted-networks, the client IP and HELO recorded are the relay's view of the real
 * sender, from the topmost Received header it added; the same header from an untrusted client is ignored.
 */
class RelayOriginTest {
    static final String RECEIVED = "Received: from mx.sender.example (mx.sender.example [203.0.113.9])\r\n"
            + "\tby relay.example.com (Postfix) with ESMTPS id 4Xyz12\r\n"
            + "\tfor <" + Mailer.RUA + ">; Mon,  5 Jan 2026 03:12:01 +0000 (UTC)\r\n";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static Collector collector;

    @BeforeAll
    static void start() {
        collector = Collector.start(dataDir, Map.of("tlsrpt.smtp.trusted-networks", List.of("127.0.0.1/32")));
    }

    @AfterAll
    static void stop() {
        collector.close();
    }

    @Test
    void fromATrustedRelayTheSenderInItsReceivedHeaderIsRecorded() throws Exception {
        long messageId = send("127.0.0.1", "relay.example.com", RECEIVED + report("relayed-1"));
        MessageInfo m = message(messageId);
        assertEquals("203.0.113.9", m.clientIp());
        assertEquals("mx.sender.example", m.helo());

        // And as the API shows it with the report.
        JsonNode detail = reportOf(messageId).get("detail");
        assertEquals("203.0.113.9", detail.get("message").get("clientIp").asText());
        assertEquals("mx.sender.example", detail.get("message").get("helo").asText());
    }

    @Test
    void fromAnUntrustedClientTheHeaderIsIgnored() throws Exception {
        long messageId = send("127.0.0.2", "sender.test", RECEIVED + report("direct-1"));
        MessageInfo m = message(messageId);
        assertEquals("127.0.0.2", m.clientIp());
        assertEquals("sender.test", m.helo());
        assertEquals("127.0.0.2", reportOf(messageId).get("detail").get("message").get("clientIp").asText());
    }

    @Test
    void aTrustedClientWithoutAReceivedHeaderIsRecordedAsItself() throws Exception {
        long messageId = send("127.0.0.1", "local.test", report("local-1"));
        MessageInfo m = message(messageId);
        assertEquals("127.0.0.1", m.clientIp());
        assertEquals("local.test", m.helo());
    }

    private static long send(String from, String helo, String message) throws Exception {
        try (RawSmtp s = RawSmtp.connect(from, collector.smtpPort())) {
            s.reply();
            s.command("EHLO " + helo);
            String reply = s.mail("noreply@sender.example", Mailer.RUA, message);
            assertTrue(reply.startsWith("250 2.0.0 Ok: stored as message"), reply);
            return RawSmtp.storedId(reply);
        }
    }

    private static MessageInfo message(long id) {
        return collector.context().getBean(DashboardQueries.class).message(id).orElseThrow();
    }

    /** The report that came in message {@code messageId}, from GET /api/reports/{id}, once processed. */
    private static JsonNode reportOf(long messageId) throws Exception {
        for (int attempt = 0; attempt < 300; attempt++) {
            Collector.Http page = collector.get("/api/reports?from=2020-01-01&to=2035-12-31&limit=1000");
            assertEquals(200, page.status(), page.body());
            JsonNode list = JSON.readTree(page.body());
            for (JsonNode item : list.get("items")) {
                if (item.get("messageId").asLong() == messageId) {
                    Collector.Http r = collector.get("/api/reports/" + item.get("id").asLong());
                    assertEquals(200, r.status(), r.body());
                    return JSON.readTree(r.body());
                }
            }
            Thread.sleep(100);
        }
        return fail("no report from message " + messageId);
    }

    /** A report e-mail as RFC 8460 §5.3 describes it, for yesterday, with a unique report-id. */
    private static String report(String reportId) throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        String json = """
                {"organization-name":"Sender Org","date-range":{"start-datetime":"%sT00:00:00Z",
                 "end-datetime":"%sT23:59:59Z"},"contact-info":"tlsrpt@sender.example","report-id":"%s",
                 "policies":[{"policy":{"policy-type":"sts","policy-string":["version: STSv1","mode: enforce",
                 "mx: mx.example.com","max_age: 86400"],"policy-domain":"example.com","mx-host":["mx.example.com"]},
                 "summary":{"total-successful-session-count":5,"total-failure-session-count":0}}]}
                """.formatted(day, day, reportId);
        MimeMessage m = ReportMail.build(Session.getInstance(new Properties()), json.getBytes(StandardCharsets.UTF_8),
                "example.com", "sender.example", reportId, "sender.example!example.com!1!2!" + reportId + ".json.gz",
                "noreply@sender.example", Mailer.RUA);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
