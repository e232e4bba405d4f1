package io.tlsrpt.collector.https;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Corpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.tlsrpt.collector.https.TestReports.bytes;
import static io.tlsrpt.collector.https.TestReports.gzip;
import static io.tlsrpt.collector.https.TestReports.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 8460 §5.4 HTTPS reports against a running collector on loopback: real corpus reports (gzip and JSON), a zip
 * made here, the looser media types, and every refusal with its status and body: 400 (and the quarantine), 413 by
 * Content-Length and by counting a chunked body, 415, and a duplicate. Max size here is 1 MiB.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpsReportTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String GOOGLE = "mailweave/google.com!example.com!1747094400!1747180799!001.json";
    static final String MICROSOFT = "mailweave/microsoft.com!example.com!1739750400!1739836799!133843802167204397.json";
    static final int MAX = 1024 * 1024;

    @TempDir
    static Path dataDir;
    static Collector collector;
    static String url;

    @BeforeAll
    static void start() {
        collector = Collector.start(dataDir, Map.of("tlsrpt.smtp.max-message-size", MAX));
        url = collector.baseUrl() + "/tlsrpt";
    }

    @AfterAll
    static void stop() {
        collector.close();
    }

    static JsonNode body(TestReports.Answer a) throws Exception {
        assertTrue(a.response().headers().firstValue("content-type").orElse("").startsWith("application/json"),
                a.response().headers().toString());
        return JSON.readTree(a.body());
    }

    static JsonNode api(String path) throws Exception {
        Collector.Http r = collector.get(path);
        assertEquals(200, r.status(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    @Order(1)
    void gzipReportIsStoredWith201AndTheSameReportAsJsonIs200Duplicate() throws Exception {
        TestReports.Answer a = TestReports.post(url, "application/tlsrpt+gzip", Corpus.bytes(GOOGLE + ".gz"));
        assertEquals(201, a.status(), a.body());
        JsonNode b = body(a);
        assertEquals("stored", b.get("result").asText());
        assertEquals(1, b.get("stored").asInt());
        assertEquals(0, b.get("problems").size());
        long messageId = b.get("messageId").asLong();

        // The same report, unpacked: organization-name, report-id and date range are the same.
        TestReports.Answer again = TestReports.post(url, "application/tlsrpt+json", Corpus.bytes(GOOGLE));
        assertEquals(200, again.status(), again.body());
        assertEquals("duplicate", body(again).get("result").asText());
        assertTrue(body(again).get("message").asText().contains("Already stored"));

        JsonNode reports = api("/api/reports?from=2025-05-01&to=2025-05-31");
        assertEquals(1, reports.get("total").asLong());
        JsonNode report = api("/api/reports/" + reports.get("items").get(0).get("id").asLong());
        JsonNode message = report.get("detail").get("message");
        assertEquals(messageId, message.get("id").asLong());
        assertEquals("https", message.get("channel").asText());
        assertEquals("127.0.0.1", message.get("clientIp").asText());
        assertEquals("processed", message.get("state").asText());
        assertEquals(1, report.get("detail").get("duplicates").size(), report.toString());
    }

    @Test
    @Order(2)
    void jsonZipAndLooseMediaTypesAreDecidedByContent() throws Exception {
        TestReports.Answer a = TestReports.post(url, "application/tlsrpt+json", Corpus.bytes(MICROSOFT));
        assertEquals(201, a.status(), a.body());

        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("one.json", bytes(json("Zip Org", "zip-1", "2026-01-10", "zip.example", "certificate-expired",
                "mx1.zip.example")));
        entries.put("two.json", bytes(json("Zip Org", "zip-2", "2026-01-11", "zip.example", "certificate-expired",
                "mx1.zip.example")));
        TestReports.Answer zip = TestReports.post(url, "application/zip", TestReports.zip(entries));
        assertEquals(201, zip.status(), zip.body());
        assertEquals(2, body(zip).get("stored").asInt());
        assertTrue(body(zip).get("message").asText().contains("2 reports stored"));

        String[][] loose = {
            {"application/gzip", "gz"}, {"application/x-gzip", "gz"}, {"application/octet-stream", "gz"},
            {"application/json", "json"}, {null, "json"}, {null, "gz"}, {"application/tlsrpt+gzip; charset=x", "gz"},
            {"text/plain", "json"}, {"application/x-www-form-urlencoded", "json"}};
        for (int i = 0; i < loose.length; i++) {
            byte[] report = bytes(json("Loose Org", "loose-" + i, "2026-01-12", "loose.example",
                    "starttls-not-supported", "mx1.loose.example"));
            byte[] sent = loose[i][1].equals("gz") ? gzip(report) : report;
            TestReports.Answer r = TestReports.post(url, loose[i][0], sent);
            assertEquals(201, r.status(), Arrays.toString(loose[i]) + " " + r.body());
        }
        JsonNode failures = api("/api/failures?from=2026-01-01&to=2026-01-31&domain=loose.example");
        assertEquals(1, failures.get("total").asLong());
        assertEquals(7L * loose.length, failures.get("items").get(0).get("sessions").asLong());
    }

    @Test
    @Order(3)
    void badReportsAre400WithTheReasonAndGoToTheQuarantine() throws Exception {
        long quarantined = api("/api/stats").get("quarantineEntries").asLong();

        String broken = json("Broken Org", "broken-1", "2026-01-13", "broken.example", "x", "mx");
        TestReports.Answer truncated = TestReports.post(url, "application/tlsrpt+json",
                bytes(broken.substring(0, broken.length() / 2)));
        assertEquals(400, truncated.status(), truncated.body());
        JsonNode t = body(truncated);
        assertEquals("quarantined", t.get("result").asText());
        assertTrue(t.get("message").asText().startsWith("Not a usable TLS report: the JSON cannot be parsed"),
                t.toString());
        assertEquals("invalid-json", t.get("problems").get(0).get("code").asText());

        String noId = json("No Id Org", "x", "2026-01-13", "noid.example", "x", "mx")
                .replace("\"report-id\": \"x\",", "");
        TestReports.Answer missing = TestReports.post(url, "application/tlsrpt+json", bytes(noId));
        assertEquals(400, missing.status(), missing.body());
        assertTrue(body(missing).get("message").asText().contains("a required field is missing: report-id"),
                missing.body());
        assertEquals("missing-field", body(missing).get("problems").get(0).get("code").asText());

        TestReports.Answer text = TestReports.post(url, "text/plain", bytes("hello, this is not a report\n"));
        assertEquals(400, text.status(), text.body());
        assertTrue(body(text).get("message").asText().contains("not gzip, zip or JSON"), text.body());

        TestReports.Answer notGzip = TestReports.post(url, "application/tlsrpt+gzip",
                new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        assertEquals(400, notGzip.status(), notGzip.body());

        TestReports.Answer empty = TestReports.post(url, "application/tlsrpt+json", new byte[0]);
        assertEquals(400, empty.status(), empty.body());
        assertTrue(body(empty).get("message").asText().startsWith("Not a usable TLS report"), empty.body());

        JsonNode q = api("/api/quarantine");
        assertEquals(quarantined + 5, q.get("total").asLong(), q.toString());
        assertEquals("127.0.0.1", q.get("items").get(0).get("clientIp").asText());
    }

    @Test
    @Order(4)
    void mediaTypesThatCannotBeAReportAre415AndNothingIsStored() throws Exception {
        long before = api("/api/stats").get("messagesReceived").asLong();
        byte[] report = Corpus.bytes(MICROSOFT);
        for (String type : new String[] {"text/html", "multipart/form-data; boundary=xyz", "image/png",
            "application/xml", "message/rfc822"}) {
            TestReports.Answer a = TestReports.post(url, type, report);
            assertEquals(415, a.status(), type + " " + a.body());
            JsonNode b = body(a);
            assertEquals("unsupported-media-type", b.get("result").asText());
            assertTrue(b.get("message").asText().contains("application/tlsrpt+gzip"), b.toString());
        }
        assertEquals(before, api("/api/stats").get("messagesReceived").asLong());
    }

    @Test
    @Order(5)
    void overSizeIs413ByContentLengthAndByCountingAChunkedBody() throws Exception {
        long before = api("/api/stats").get("messagesReceived").asLong();
        byte[] big = padded(MAX + 1);

        TestReports.Answer declared = TestReports.post(url, "application/tlsrpt+json", big);
        assertEquals(413, declared.status(), declared.body());
        JsonNode d = body(declared);
        assertEquals("too-large", d.get("result").asText());
        assertTrue(d.get("message").asText().contains("at most " + MAX + " bytes"), d.toString());
        assertTrue(d.get("message").asText().contains("Content-Length says " + (MAX + 1)), d.toString());

        TestReports.Answer chunked = TestReports.postChunked(url, "application/tlsrpt+json", padded(MAX + MAX / 2));
        assertEquals(413, chunked.status(), chunked.body());
        assertEquals("too-large", body(chunked).get("result").asText());
        assertTrue(body(chunked).get("message").asText().contains("at most " + MAX + " bytes"), chunked.body());

        // A gigabyte announced: answered from the header alone, before a byte of the body is sent.
        try (Socket s = new Socket("127.0.0.1", java.net.URI.create(url).getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /tlsrpt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/tlsrpt+gzip\r\nContent-Length: 1073741824\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
            assertTrue(answer.contains("\"result\":\"too-large\""), answer);
            assertTrue(answer.contains("Content-Length says 1073741824"), answer);
        }

        assertEquals(before, api("/api/stats").get("messagesReceived").asLong());

        // Exactly the limit is allowed, with and without Content-Length.
        TestReports.Answer atLimit = TestReports.post(url, "application/tlsrpt+json", padded(MAX));
        assertEquals(201, atLimit.status(), atLimit.body());
        byte[] chunkedOk = padded(MAX - 10);
        chunkedOk = new String(chunkedOk, StandardCharsets.UTF_8).replace("padded-" + (MAX - 10), "padded-chunked")
                .getBytes(StandardCharsets.UTF_8);
        TestReports.Answer chunkedAtLimit = TestReports.postChunked(url, "application/tlsrpt+json", chunkedOk);
        assertEquals(201, chunkedAtLimit.status(), chunkedAtLimit.body());
    }

    /** A valid report of exactly {@code size} bytes: JSON with white space before the closing brace. */
    static byte[] padded(int size) {
        String report = json("Padded Org", "padded-" + size, "2026-01-14", "padded.example", "dnssec-invalid",
                "mx1.padded.example").strip();
        String open = report.substring(0, report.length() - 1);
        byte[] head = bytes(open);
        byte[] out = new byte[size];
        System.arraycopy(head, 0, out, 0, head.length);
        Arrays.fill(out, head.length, size - 1, (byte) ' ');
        out[size - 1] = '}';
        assertNotNull(out);
        return out;
    }
}
