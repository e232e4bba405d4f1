package io.tlsrpt.collector.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.collector.support.Mailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static io.tlsrpt.collector.hostile.HostileCorpus.CRLF;
import static io.tlsrpt.collector.hostile.HostileCorpus.GIB;
import static io.tlsrpt.collector.hostile.HostileCorpus.MIB;
import static io.tlsrpt.collector.hostile.HostileCorpus.ascii;
import static io.tlsrpt.collector.hostile.HostileCorpus.base64Lines;
import static io.tlsrpt.collector.hostile.HostileCorpus.concat;
import static io.tlsrpt.collector.hostile.HostileCorpus.detail;
import static io.tlsrpt.collector.hostile.HostileCorpus.gzip;
import static io.tlsrpt.collector.hostile.HostileCorpus.headers;
import static io.tlsrpt.collector.hostile.HostileCorpus.q;
import static io.tlsrpt.collector.hostile.HostileCorpus.report;
import static io.tlsrpt.collector.hostile.HostileCorpus.reportMail;
import static io.tlsrpt.collector.hostile.HostileCorpus.reportMailWith;
import static io.tlsrpt.collector.hostile.HostileCorpus.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile corpus of issue 4 item 3, mailed over real SMTP to a whole collector running in this JVM (which the
 * "hostile" surefire execution starts with -Xmx256m). After every message: the server is up (GET /health 200), the
 * sender got a sensible reply (250 then quarantine with a reason naming the problem, or 552), and the good report
 * mailed first still has exactly its counts.
 */
@Tag("hostile")
class HostileMailTest {
    static final String GOOD_DOMAIN = "good.example";
    static final List<String> FIGURES = Collections.synchronizedList(new ArrayList<>());
    static final String FILE = "hostile.test!hostile.test!1748736000!1748822399!001.json.gz";

    @TempDir
    static Path dataDir;
    static Site site;
    static JsonNode goodReports;
    static JsonNode goodFailures;
    static JsonNode goodDomain;

    HeapWatch heap;
    long startedNanos;
    long reportsBefore;
    /** Reports a test stores on purpose (valid reports with hostile contents); all others store none. */
    int expectedNewReports;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dataDir, Map.of("tlsrpt.smtp.recipients", List.of(Mailer.RUA)));
        site.log = FIGURES::add;
        String good = report("Good Reporter Inc.", "good-report-1", GOOD_DOMAIN, 1000, 30,
                detail("certificate-expired", "198.51.100.1", "mx1.good.example", "203.0.113.1", 20),
                detail("starttls-not-supported", "198.51.100.2", "mx2.good.example", "203.0.113.2", 10));
        site.mailer.sendJson(utf8(good), GOOD_DOMAIN, "good-reporter.example", "good-report-1", Mailer.RUA);
        site.awaitIdle();
        goodReports = site.json("/api/reports?domain=" + GOOD_DOMAIN + "&" + Site.YEAR);
        goodFailures = site.json("/api/failures?domain=" + GOOD_DOMAIN + "&" + Site.YEAR);
        goodDomain = domainRow();
        assertEquals(1, goodReports.get("total").asLong(), goodReports.toString());
        assertEquals(1000, goodReports.get("items").get(0).get("successful").asLong());
        assertEquals(30, goodReports.get("items").get(0).get("failed").asLong());
        assertEquals(30, goodFailures.get("items").findValues("sessions").stream().mapToLong(JsonNode::asLong).sum());
        assertEquals(1000, goodDomain.get("successful").asLong(), goodDomain.toString());
    }

    static JsonNode domainRow() {
        for (JsonNode d : site.json("/api/domains?limit=1000&" + Site.YEAR).get("items")) {
            if (d.get("domain").asText().equals(GOOD_DOMAIN)) {
                return d;
            }
        }
        throw new AssertionError("no overview row for " + GOOD_DOMAIN);
    }

    @AfterAll
    static void stop() {
        System.out.println("[hostile figures] -Xmx " + HeapWatch.maxHeapMib() + " MiB");
        FIGURES.forEach(f -> System.out.println("[hostile figures] " + f));
        if (site != null) {
            site.close();
        }
    }

    @BeforeEach
    void before() {
        heap = new HeapWatch();
        startedNanos = System.nanoTime();
        reportsBefore = site.stats().get("reportsStored").asLong();
        expectedNewReports = 0;
    }

    /** Whatever the test sent: the server is up and nothing but the test's own reports changed. */
    @AfterEach
    void after(TestInfo test) throws Exception {
        site.awaitIdle();
        long millis = (System.nanoTime() - startedNanos) / 1_000_000;
        FIGURES.add(test.getDisplayName() + ": " + millis + " ms, " + heap.summary());
        heap.close();
        site.assertHealthy();
        assertEquals(goodReports, site.json("/api/reports?domain=" + GOOD_DOMAIN + "&" + Site.YEAR));
        assertEquals(goodFailures, site.json("/api/failures?domain=" + GOOD_DOMAIN + "&" + Site.YEAR));
        assertEquals(goodDomain, domainRow());
        assertEquals(reportsBefore + expectedNewReports, site.stats().get("reportsStored").asLong(),
                "reports stored by " + test.getDisplayName());
    }

    // ------------------------------------------------------------------ compression

    @Test
    void truncatedGzip() throws Exception {
        HostileCorpus.Packed whole = HostileCorpus.gzipReport("Cut Inc.", "cut-1", "cut.example", 1, 2000, 2000,
                i -> detail("validation-failure", "198.51.100." + (i % 250), "mx.cut.example", "203.0.113.9", 1));
        assertTrue(whole.bytes().length > 2000, "gzip is " + whole.bytes().length + " bytes");
        byte[] half = Arrays.copyOf(whole.bytes(), whole.bytes().length / 2);
        site.assertQuarantined(site.jakarta(reportMail("cut in half", "application/tlsrpt+gzip", FILE, half)),
                List.of("truncated"), "truncated");
        // Cut inside the 10-byte gzip header, and inside the 8-byte trailer (CRC-32 and length).
        byte[] header = Arrays.copyOf(whole.bytes(), 6);
        site.assertQuarantined(site.jakarta(reportMail("cut in header", "application/tlsrpt+gzip", FILE, header)),
                List.of("truncated"), "truncated gzip");
        byte[] trailer = Arrays.copyOf(whole.bytes(), whole.bytes().length - 3);
        site.assertQuarantined(site.jakarta(reportMail("cut in trailer", "application/tlsrpt+gzip", FILE,
                trailer)), List.of("truncated"), "truncated gzip");
    }

    /** '{' and 1 GiB + 1 MiB of spaces (valid JSON white space, so only the size bound can stop it). */
    @Test
    void gzipBombPast1GiB() throws Exception {
        HostileCorpus.Packed bomb = HostileCorpus.gzipBomb("{", (byte) ' ', GIB + MIB);
        assertTrue(bomb.bytes().length < 2 * MIB, "bomb is " + bomb.bytes().length + " bytes");
        assertTrue(bomb.plainSize() > GIB);
        FIGURES.add("gzip bomb: " + bomb.bytes().length + " bytes expand to " + bomb.plainSize());
        site.assertQuarantined(site.jakarta(reportMail("gzip bomb", "application/tlsrpt+gzip", FILE, bomb.bytes())),
                List.of("report-too-large"), "52428800");
    }

    /** 1 GiB + 1 MiB of NUL bytes gzipped: refused without expanding, whatever the reason. */
    @Test
    void gzipBombOfZeros() throws Exception {
        HostileCorpus.Packed bomb = HostileCorpus.gzipBomb("", (byte) 0, GIB + MIB);
        assertTrue(bomb.bytes().length < 2 * MIB, "bomb is " + bomb.bytes().length + " bytes");
        site.assertQuarantined(site.jakarta(reportMail("zero bomb", "application/gzip", FILE, bomb.bytes())),
                List.of("report-too-large", "not-json", "invalid-utf8", "invalid-json"), "");
    }

    /** A zip whose entry honestly declares 1 GiB: refused from the central directory, nothing inflated. */
    @Test
    void zipBombPast1GiB() throws Exception {
        HostileCorpus.Packed bomb = HostileCorpus.zipBomb("report.json", "{", (byte) ' ', GIB + MIB, null);
        assertTrue(bomb.bytes().length < 2 * MIB, "bomb is " + bomb.bytes().length + " bytes");
        site.assertQuarantined(site.jakarta(reportMail("zip bomb", "application/zip", "report.zip", bomb.bytes())),
                List.of("report-too-large"), "52428800");
    }

    /** The same bomb lying in its central directory that the entry is 1,000 bytes: the inflated bytes are counted. */
    @Test
    void zipBombThatLiesAboutItsSize() throws Exception {
        HostileCorpus.Packed bomb = HostileCorpus.zipBomb("report.json", "{", (byte) ' ', GIB + MIB, 1000L);
        site.assertQuarantined(site.jakarta(reportMail("lying zip bomb", "application/zip", "report.zip",
                bomb.bytes())), List.of("report-too-large"), "52428800");
    }

    /**
     * Zip entries named to climb out of a directory ({@code ../}, absolute, Windows separators) hold valid reports:
     * the names are data, so the reports are stored and nothing is written anywhere near those paths.
     */
    @Test
    void zipEntriesNamedWithDotDot() throws Exception {
        String nonce = UUID.randomUUID().toString();
        String[] names = {
                "../../../../../../../../tmp/tlsrpt-slip-" + nonce + ".json",
                "/tmp/tlsrpt-slip-abs-" + nonce + ".json",
                "..\\..\\..\\tlsrpt-slip-win-" + nonce + ".json",
                "reports/../../tlsrpt-slip-mid-" + nonce + ".json"};
        byte[][] contents = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            contents[i] = utf8(report("Slip Inc.", "slip-" + i + "-" + nonce, "slip.example", 5, 1,
                    detail("certificate-expired", "198.51.100.7", "mx.slip.example", "203.0.113.7", 1)));
        }
        byte[] zip = HostileCorpus.zip(names, contents);
        RawSmtp.Reply reply = site.jakarta(reportMail("zip slip", "application/zip",
                "../../../../tmp/tlsrpt-slip-" + nonce + ".zip", zip));
        assertEquals(250, reply.code(), reply.toString());
        site.awaitIdle();
        expectedNewReports = names.length;
        JsonNode reports = site.json("/api/reports?domain=slip.example&" + Site.YEAR);
        assertEquals(names.length, reports.get("total").asInt(), reports.toString());
        assertTrue(site.quarantineOf(reply.messageId()).isEmpty());
        // Nothing was written where the names point, nor beside the data directory.
        for (Path dir : List.of(Path.of("/tmp"), dataDir, dataDir.getParent(), Path.of("").toAbsolutePath(),
                Path.of("").toAbsolutePath().getParent())) {
            try (var files = Files.list(dir)) {
                List<Path> slipped = files.filter(p -> p.getFileName().toString().contains(nonce)).toList();
                assertTrue(slipped.isEmpty(), "files written from zip entry names: " + slipped);
            }
        }
        // The file name is shown as sent, as data.
        long id = reports.get("items").get(0).get("id").asLong();
        assertTrue(site.json("/api/reports/" + id).toString().contains("tlsrpt-slip-"));
    }

    // ------------------------------------------------------------------ JSON

    @Test
    void jsonNested100000Deep() throws Exception {
        int depth = 100_000;
        String arrays = "[".repeat(depth) + "]".repeat(depth);
        String deepArrays = report("Deep Inc.", "deep-1", "deep.example", 1, 0)
                .replaceFirst("^\\{", "{\"x-deep\":" + arrays + ",");
        site.assertQuarantined(site.jakarta(reportMail("deep arrays", "application/tlsrpt+gzip", FILE,
                gzip(utf8(deepArrays)))), List.of("limit-exceeded"), "depth");
        StringBuilder objects = new StringBuilder();
        objects.append("{\"a\":".repeat(depth)).append("1").append("}".repeat(depth));
        String deepObjects = report("Deep Inc.", "deep-2", "deep.example", 1, 0)
                .replace("\"summary\":", "\"x-deep\":" + objects + ",\"summary\":");
        site.assertQuarantined(site.jakarta(reportMail("deep objects", "application/tlsrpt+gzip", FILE,
                gzip(utf8(deepObjects)))), List.of("limit-exceeded"), "depth");
        // The top level itself: an array nested 100,000 deep instead of a report.
        site.assertQuarantined(site.jakarta(reportMail("deep top", "application/tlsrpt+gzip", FILE,
                gzip(utf8(arrays)))), List.of("wrong-type", "limit-exceeded"), "");
    }

    /** The default max-failure-details (100,000) refuses a report with a million, with a reason naming the bound. */
    @Test
    void aMillionFailureDetailsAreRefusedByDefault() throws Exception {
        HostileCorpus.Packed million = HostileCorpus.gzipReport("Flood Inc.", "flood-1", "flood.example", 0,
                1_000_000, 1_000_000, i -> "{\"result-type\":\"validation-failure\",\"failed-session-count\":1}");
        FIGURES.add("million details: " + million.bytes().length + " bytes gzipped, " + million.plainSize()
                + " bytes of JSON");
        site.assertQuarantined(site.jakarta(reportMail("a million details", "application/tlsrpt+gzip", FILE,
                million.bytes())), List.of("limit-exceeded"), "maxFailureDetails", "100000");
    }

    @Test
    void invalidUtf8() throws Exception {
        byte[] good = utf8(report("Bad Bytes Inc.", "utf8-1", "utf8.example", 1, 0));
        String marker = "Bad Bytes Inc.";
        List<byte[]> broken = new ArrayList<>();
        for (byte[] bad : List.of(new byte[]{(byte) 0xc3, 0x28}, // a lead byte without its continuation
                new byte[]{(byte) 0xc0, (byte) 0xaf},               // overlong '/'
                new byte[]{(byte) 0xed, (byte) 0xa0, (byte) 0x80},  // a UTF-16 surrogate
                new byte[]{(byte) 0xff, (byte) 0xfe},               // never valid
                new byte[]{(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80})) { // past U+10FFFF
            broken.add(replace(good, utf8(marker), concat(utf8("Bad "), bad, utf8(" Inc."))));
        }
        for (byte[] json : broken) {
            site.assertQuarantined(site.jakarta(reportMail("invalid utf-8", "application/tlsrpt+gzip", FILE,
                    gzip(json))), List.of("invalid-utf8"), "");
        }
        // The report as the whole message, raw 8-bit on the wire (Jakarta Mail would not send it as it is).
        byte[] raw = concat(ascii(headers("raw 8bit", "application/tlsrpt+json")), broken.get(0), ascii(CRLF));
        site.assertQuarantined(site.raw(raw), List.of("invalid-utf8"), "");
    }

    @Test
    void numbersOutOfRangeAndNegativeCounts() throws Exception {
        String[][] cases = {
                {"\"total-successful-session-count\":1", "\"total-successful-session-count\":-5", "invalid-count"},
                {"\"total-successful-session-count\":1", "\"total-successful-session-count\":99999999999999999999999",
                        "invalid-count"},
                {"\"total-successful-session-count\":1", "\"total-successful-session-count\":1e400", "invalid-count"},
                {"\"total-successful-session-count\":1", "\"total-successful-session-count\":1.5", "invalid-count"},
                {"\"total-successful-session-count\":1", "\"total-successful-session-count\":-0.0", "invalid-count"},
                {"\"total-successful-session-count\":1",
                        "\"total-successful-session-count\":" + "9".repeat(100_000), "limit-exceeded"},
                {"\"failed-session-count\":3", "\"failed-session-count\":-3", "invalid-count"},
                {"\"failed-session-count\":3", "\"failed-session-count\":9223372036854775808", "invalid-count"},
                {"\"failed-session-count\":3", "\"failed-session-count\":\"-3\"", "invalid-count"},
                {"\"failed-session-count\":3", "\"failed-session-count\":true", "invalid-count"},
                {"2025-06-01T00:00:00Z", "+999999999-06-01T00:00:00Z", "invalid-date"},
                {"2025-06-01T00:00:00Z", "2025-13-45T25:61:61Z", "invalid-date"},
        };
        String base = report("Numbers Inc.", "numbers-1", "numbers.example", 1, 3,
                detail("certificate-expired", "198.51.100.3", "mx.numbers.example", "203.0.113.3", 3));
        for (String[] c : cases) {
            assertTrue(base.contains(c[0]), c[0]);
            String json = base.replace(c[0], c[1]);
            site.assertQuarantined(site.jakarta(reportMail("numbers", "application/tlsrpt+gzip", FILE,
                    gzip(utf8(json)))), List.of(c[2], "wrong-type"), "");
        }
    }

    /**
     * Counts that are each valid but overflow a long when added up (two details of 2^63-1 sessions in one failure
     * group). The report may be stored with its values as sent, or quarantined; no count anywhere may turn
     * negative. Fails today: the failure group shows -2 sessions (Rollups adds with +, not Math.addExact).
     */
    @Test
    void countsThatOverflowWhenAddedUpNeverShowNegative() throws Exception {
        String overflow = report("Overflow Inc.", "overflow-1", "overflow.example", Long.MAX_VALUE, Long.MAX_VALUE,
                detail("certificate-expired", "198.51.100.3", "mx.overflow.example", "203.0.113.3", Long.MAX_VALUE),
                detail("certificate-expired", "198.51.100.3", "mx.overflow.example", "203.0.113.3", Long.MAX_VALUE));
        RawSmtp.Reply reply = site.jakarta(reportMail("overflow", "application/tlsrpt+gzip", FILE,
                gzip(utf8(overflow))));
        assertEquals(250, reply.code());
        site.awaitIdle();
        expectedNewReports = site.quarantineOf(reply.messageId()).isEmpty() ? 1 : 0;
        for (String api : List.of("/api/failures?domain=overflow.example&", "/api/domains?",
                "/api/reports?domain=overflow.example&")) {
            for (JsonNode item : site.json(api + Site.YEAR).get("items")) {
                for (String field : List.of("sessions", "successful", "failed")) {
                    if (item.has(field)) {
                        assertTrue(item.get(field).asLong() >= 0, api + ": " + item);
                    }
                }
            }
        }
    }

    /**
     * Reports for domain names of 1,000 three-byte characters (3,000 bytes; random, so that PostgreSQL cannot compress
     * them): domain names are keys of indexes, and a PostgreSQL index entry holds at most 2,704 bytes. Before the
     * check, PostgreSQL refused the row three times ("index row size ... exceeds btree version 4 maximum") and the
     * message was quarantined as a processing error; H2 stored it. Now both quarantine it at once as a value too long
     * to store, whether it is the domain the report was sent for or the one its policy names.
     */
    @Test
    void longMultibyteDomains() throws Exception {
        Random random = new Random(8460);
        String longName = randomHan(random, 1000) + ".example";
        String[][] cases = {{longName, "named.example", "report-domain"}, {"sent-for.example", longName,
                "policy-domain"}};
        for (String[] c : cases) {
            String json = report("Long Domain Inc.", "long-domain-" + c[2], c[1], 10, 2,
                    detail("certificate-expired", "198.51.100.9", "mx.long.example", "203.0.113.9", 2));
            java.io.ByteArrayOutputStream eml = new java.io.ByteArrayOutputStream();
            io.tlsrpt.collector.cli.ReportMail.build(site.mailer.session(), utf8(json), c[0], "long.example",
                    "long-domain-" + c[2], "long.example!long.example!1!2!001.json.gz", "noreply@long.example",
                    Mailer.RUA).writeTo(eml);
            site.assertQuarantined(site.jakarta(eml.toByteArray()), List.of("field-too-long"), c[2]);
        }
        for (String page : List.of("/?", "/failures?", "/reports?", "/api/domains?", "/api/failures?")) {
            assertEquals(200, site.collector.get(page + Site.YEAR).status(), page);
        }
    }

    private static String randomHan(Random random, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append((char) (0x4E00 + random.nextInt(0x5000)));
        }
        return b.toString();
    }

    /** A header of 60,000 lines, and one header line of 2 MiB. */
    @Test
    void hugeHeaders() throws Exception {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 60_000; i++) {
            many.append("X-Junk-").append(i).append(": x").append(CRLF);
        }
        byte[] body = concat(ascii(many.toString()), reportMail("many header lines", "application/tlsrpt+gzip", FILE,
                gzip(utf8(report("Header Inc.", "header-1", "header.example", 1, 0)))));
        site.assertQuarantined(site.raw(body), List.of("unreadable-part", "no-report"), "header");
        byte[] longLine = concat(ascii("X-Long: " + "y".repeat(2 * 1024 * 1024) + CRLF),
                reportMail("one long header", "application/tlsrpt+gzip", FILE,
                        gzip(utf8(report("Header Inc.", "header-2", "header.example", 1, 0)))));
        site.assertQuarantined(site.raw(longLine), List.of("unreadable-part", "no-report"), "header");
    }

    // ------------------------------------------------------------------ MIME

    @Test
    void base64Garbage() throws Exception {
        site.assertQuarantined(site.jakarta(reportMailWith("garbage", "application/tlsrpt+gzip", FILE, "base64",
                "!!!! this is not base64 at all %%%% <<<<" + CRLF + "@@@@****" + CRLF, true)),
                List.of("unreadable-part"), "base64");
        // Valid base64 of random bytes: neither gzip, zip nor JSON.
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        noise[0] = 0x55;
        site.assertQuarantined(site.jakarta(reportMail("noise", "application/tlsrpt+gzip", FILE, noise)),
                List.of("unreadable-part"), "not gzip");
        // gzip magic followed by noise.
        noise[0] = 0x1f;
        noise[1] = (byte) 0x8b;
        noise[2] = 8;
        noise[3] = 0;
        site.assertQuarantined(site.jakarta(reportMail("gzip noise", "application/tlsrpt+gzip", FILE, noise)),
                List.of("unreadable", "truncated"), "gzip");
    }

    @Test
    void tenThousandMimeParts() throws Exception {
        String boundary = "parts-" + UUID.randomUUID();
        StringBuilder b = new StringBuilder(headers("10,000 parts", "multipart/mixed; boundary=\"" + boundary + "\""));
        for (int i = 0; i < 10_000; i++) {
            b.append("--").append(boundary).append(CRLF).append("Content-Type: text/plain").append(CRLF)
                    .append(CRLF).append("part ").append(i).append(CRLF);
        }
        b.append("--").append(boundary).append("--").append(CRLF);
        site.assertQuarantined(site.jakarta(ascii(b.toString())), List.of("unreadable-part"), "too many parts",
                "1000");
    }

    /** Multiparts nested 2,000 deep (each level one more boundary). */
    @Test
    void mimeNested2000Deep() throws Exception {
        int depth = 2000;
        StringBuilder b = new StringBuilder(headers("deep mime", "multipart/mixed; boundary=\"b0\""));
        for (int i = 0; i < depth; i++) {
            b.append("--b").append(i).append(CRLF)
                    .append("Content-Type: multipart/mixed; boundary=\"b").append(i + 1).append('"').append(CRLF)
                    .append(CRLF);
        }
        b.append("--b").append(depth).append(CRLF).append("Content-Type: text/plain").append(CRLF).append(CRLF)
                .append("bottom").append(CRLF);
        for (int i = depth; i >= 0; i--) {
            b.append("--b").append(i).append("--").append(CRLF);
        }
        site.assertQuarantined(site.raw(ascii(b.toString())), List.of("unreadable-part"), "too deep");
    }

    /** A report e-mail that ends in the middle of the report part: base64 cut off, multipart never closed. */
    @Test
    void messageCutOffMidPart() throws Exception {
        HostileCorpus.Packed whole = HostileCorpus.gzipReport("Cut Inc.", "cut-2", "cut.example", 1, 500, 500,
                i -> detail("validation-failure", "198.51.100." + (i % 250), "mx.cut.example", "203.0.113.9", 1));
        String lines = base64Lines(whole.bytes());
        String cut = lines.substring(0, lines.indexOf(CRLF, lines.length() / 2) + 2);
        byte[] eml = reportMailWith("cut mid-part", "application/tlsrpt+gzip", FILE, "base64", cut, false);
        site.assertQuarantined(site.raw(eml), List.of("truncated"), "truncated");
        // Cut in the middle of a line, in the middle of a base64 quantum.
        String mid = lines.substring(0, lines.length() / 2 + 1);
        byte[] eml2 = reportMailWith("cut mid-line", "application/tlsrpt+gzip", FILE, "base64", mid, false);
        site.assertQuarantined(site.raw(eml2), List.of("truncated", "unreadable-part"), "");
    }

    /** The client drops the connection in the middle of DATA: nothing is stored, nothing is answered. */
    @Test
    void connectionDroppedMidData() throws Exception {
        long received = site.stats().get("messagesReceived").asLong();
        byte[] eml = reportMail("dropped", "application/tlsrpt+gzip", FILE,
                gzip(utf8(report("Drop Inc.", "drop-1", "drop.example", 1, 0))));
        try (RawSmtp smtp = RawSmtp.connect(site.collector.smtpPort(), 30_000)) {
            assertEquals(250, smtp.envelope(Site.FROM, Mailer.RUA).code());
            smtp.dataWithoutEnd(eml, eml.length / 2);
            smtp.abort();
        }
        try (RawSmtp smtp = RawSmtp.connect(site.collector.smtpPort(), 30_000)) {
            assertEquals(250, smtp.envelope(Site.FROM, Mailer.RUA).code());
            smtp.dataWithoutEnd(eml, eml.length); // everything but the final dot, then a clean close
        }
        Thread.sleep(500);
        site.awaitIdle();
        assertEquals(received, site.stats().get("messagesReceived").asLong());
    }

    @Test
    void nulBytes() throws Exception {
        // NUL in header fields, in the text part and raw inside the JSON (not allowed there unescaped).
        String json = report("Nul Inc.", "nul-1", "nul.example", 1, 0).replace("Nul Inc.", "Nul\u0000Inc.");
        byte[] eml = concat(ascii("Subject: nul\u0000in\u0000subject" + CRLF + "X-Nul: \u0000\u0000" + CRLF),
                ascii(headers("nul", "application/tlsrpt+json").replace("Subject: nul" + CRLF, "")),
                utf8(json), ascii(CRLF));
        site.assertQuarantined(site.raw(eml), List.of("invalid-json", "not-json", "unreadable-part"), "");
        // A report part that is nothing but NUL bytes.
        byte[] nuls = new byte[100_000];
        site.assertQuarantined(site.raw(reportMailWith("all nul", "application/tlsrpt+json", FILE.replace(".gz", ""),
                "binary", new String(nuls, StandardCharsets.ISO_8859_1), true)),
                List.of("unreadable-part", "not-json", "invalid-utf8", "empty"), "");
        // \u0000 escaped in a JSON string is valid JSON: the report is stored, the NUL kept as data.
        String escaped = report("Escaped Nul Inc.", "nul-2", "nul.example", 1, 0).replace("Escaped Nul",
                "Escaped\\u0000Nul");
        RawSmtp.Reply reply = site.raw(reportMail("escaped nul", "application/tlsrpt+gzip", FILE,
                gzip(utf8(escaped))));
        assertEquals(250, reply.code(), reply.toString());
        site.awaitIdle();
        if (site.quarantineOf(reply.messageId()).isEmpty()) {
            expectedNewReports = 1;
            JsonNode reports = site.json("/api/reports?domain=nul.example&" + Site.YEAR);
            // Kept as sent, or with the NUL as U+FFFD (PostgreSQL cannot store NUL in text; the store replaces it).
            String organization = reports.get("items").get(0).get("organization").asText();
            assertTrue(List.of("Escaped\u0000Nul Inc.", "Escaped\uFFFDNul Inc.").contains(organization), organization);
            long id = reports.get("items").get(0).get("id").asLong();
            assertEquals(200, site.collector.get("/reports/" + id).status());
            assertEquals(200, site.collector.get("/reports?" + Site.YEAR).status());
        }
    }

    /** Over tlsrpt.smtp.max-message-size (10 MiB by default): 552 while DATA is read, nothing kept. */
    @Test
    void overSizeGets552() throws Exception {
        long received = site.stats().get("messagesReceived").asLong();
        String line = "x".repeat(998) + CRLF;
        StringBuilder b = new StringBuilder(headers("big", "text/plain"));
        while (b.length() < 11 * MIB) {
            b.append(line);
        }
        RawSmtp.Reply reply = site.raw(ascii(b.toString()));
        assertEquals(552, reply.code(), reply.toString());
        assertEquals(received, site.stats().get("messagesReceived").asLong());
    }

    // ------------------------------------------------------------------ script and HTML

    /**
     * Script and HTML in every string field of a valid report, and in the e-mail's Subject, From, file name and
     * TLS-Report-Domain: stored as data, shown escaped on every page, verbatim in the API.
     */
    @Test
    void scriptAndHtmlInEveryStringField() throws Exception {
        String s = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'";
        String domain = "xss.example";
        String json = "{\"organization-name\":" + q(s) + ",\"date-range\":{\"start-datetime\":\"2025-06-02T00:00:00Z\","
                + "\"end-datetime\":\"2025-06-02T23:59:59Z\"},\"contact-info\":" + q(s) + ",\"report-id\":" + q(s)
                + ",\"policies\":[{\"policy\":{\"policy-type\":" + q(s) + ",\"policy-string\":[" + q(s) + "],"
                + "\"policy-domain\":" + q(domain) + ",\"mx-host\":[" + q(s) + "]},\"summary\":{"
                + "\"total-successful-session-count\":1,\"total-failure-session-count\":2},\"failure-details\":[{"
                + "\"result-type\":" + q(s) + ",\"sending-mta-ip\":" + q(s) + ",\"receiving-mx-hostname\":" + q(s)
                + ",\"receiving-mx-helo\":" + q(s) + ",\"receiving-ip\":" + q(s) + ",\"failed-session-count\":2,"
                + "\"additional-information\":" + q(s) + ",\"failure-reason-code\":" + q(s) + "}]},"
                + "{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":" + q(s) + "},\"summary\":{"
                + "\"total-successful-session-count\":1,\"total-failure-session-count\":0}}]}";
        byte[] eml = reportMail(s, "application/tlsrpt+gzip", s + ".json.gz", gzip(utf8(json)));
        eml = replace(eml, ascii("TLS-Report-Domain: hostile.test"), ascii("TLS-Report-Domain: " + domain));
        eml = replace(eml, ascii("From: TLS reporter"), ascii("From: \"" + s.replace("\"", "") + "\""));
        RawSmtp.Reply reply = site.raw(eml);
        assertEquals(250, reply.code(), reply.toString());
        site.awaitIdle();
        assertTrue(site.quarantineOf(reply.messageId()).isEmpty(), site.quarantineOf(reply.messageId()).toString());
        expectedNewReports = 1;

        JsonNode reports = site.json("/api/reports?domain=" + domain + "&" + Site.YEAR);
        assertEquals(1, reports.get("total").asInt(), reports.toString());
        long id = reports.get("items").get(0).get("id").asLong();
        JsonNode view = site.json("/api/reports/" + id);
        assertEquals(s, view.get("detail").get("report").get("organizationName").asText(), view.toString());
        assertEquals(s, view.get("detail").get("report").get("reportId").asText());

        // A broken report whose reason and file name quote the script: the quarantine page escapes them too.
        RawSmtp.Reply broken = site.raw(reportMail(s, "application/tlsrpt+json", s + ".json",
                utf8("{\"organization-name\":" + q(s) + ",\"" + s + "\":")));
        site.assertQuarantined(broken, List.of("invalid-json", "missing-field"), "");

        String enc = URLEncoder.encode(domain, StandardCharsets.UTF_8);
        for (String page : List.of("/?" + Site.YEAR, "/failures?" + Site.YEAR, "/failures?domain=" + enc + "&"
                        + Site.YEAR, "/reports?" + Site.YEAR, "/reports/" + id, "/domains/" + enc + "?" + Site.YEAR,
                "/quarantine", "/messages/" + reply.messageId())) {
            long t0 = System.nanoTime();
            io.tlsrpt.collector.support.Collector.Http r;
            try {
                r = site.collector.get(page);
            } catch (IllegalStateException e) {
                throw new AssertionError(page + " did not answer", e);
            }
            FIGURES.add("page " + page + ": " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            if (r.status() == 404 && page.startsWith("/messages/")) {
                continue; // no message page (the raw download is not HTML)
            }
            assertEquals(200, r.status(), page + ": " + r.body());
            String body = r.body().toLowerCase();
            assertFalse(body.contains("<script>alert"), page + " shows the script unescaped");
            assertFalse(body.contains("<img src=x"), page + " shows the img tag unescaped");
            assertFalse(body.contains("onerror=alert(2)>"), page + " shows the attribute unescaped");
        }
        assertTrue(site.collector.get("/reports/" + id).body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
                "the report page shows the value, escaped");
    }

    static byte[] replace(byte[] in, byte[] what, byte[] with) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + with.length);
        int i = 0;
        boolean done = false;
        while (i < in.length) {
            if (!done && i + what.length <= in.length && Arrays.equals(in, i, i + what.length, what, 0, what.length)) {
                out.writeBytes(with);
                i += what.length;
                done = true;
            } else {
                out.write(in[i++]);
            }
        }
        assertTrue(done, "nothing replaced");
        return out.toByteArray();
    }
}
