package io.tlsrpt.collector.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.https.TestReports;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Corpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tlsrpt.collector.https.TestReports.bytes;
import static io.tlsrpt.collector.https.TestReports.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CSV and JSON downloads of the failures view and the report list against a running collector: the filters of the
 * API, the totals of the API, more rows than one page (1,500 failure groups), CSV that a strict RFC 4180 reader
 * reads back with quotes, commas and line breaks intact, and cells a spreadsheet would run as formulas neutralised.
 */
class ExportTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static final String EVIL_ORG = "=HYPERLINK(\"http://evil.example/\",\"click, me\")\nsecond line";
    static final String PERIOD = "from=2026-03-01&to=2026-03-31";

    @TempDir
    static Path dataDir;
    static Collector collector;

    @BeforeAll
    static void start() {
        collector = Collector.start(dataDir, Map.of());
        String url = collector.baseUrl() + "/tlsrpt";
        post(url, json(EVIL_ORG, "evil-1", "2026-03-02", "evil.example", "+cmd|' /C calc'!A0", "mx1.evil.example"));
        post(url, json("Plain Org", "plain-1", "2026-03-03", "plain.example", "certificate-expired",
                "mx1.plain.example"));
        post(url, json("Plain Org", "plain-2", "2026-03-04", "plain.example", "starttls-not-supported",
                "mx2.plain.example"));
        post(url, many("Many Org", "many-1", "2026-03-05", "many.example", 1500));
        // outside the period
        post(url, json("Plain Org", "plain-old", "2026-02-03", "plain.example", "certificate-expired",
                "mx1.plain.example"));
        assertEquals(201, TestReports.post(url, "application/tlsrpt+json",
                Corpus.bytes("mailweave/microsoft.com!example.com!1739750400!1739836799!133843802167204397.json"))
                .status());
    }

    @AfterAll
    static void stop() {
        collector.close();
    }

    static void post(String url, String report) {
        TestReports.Answer a = TestReports.post(url, "application/tlsrpt+json", bytes(report));
        assertEquals(201, a.status(), a.body());
    }

    /** A report with {@code n} failure details at distinct receiving MX hosts: n failure groups. */
    static String many(String org, String id, String day, String domain, int n) {
        StringBuilder details = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                details.append(',');
            }
            details.append("{\"result-type\": \"validation-failure\", \"sending-mta-ip\": \"10.0.")
                    .append(i / 250).append('.').append(i % 250)
                    .append("\", \"receiving-mx-hostname\": \"mx").append(i + 1).append('.').append(domain)
                    .append("\", \"failed-session-count\": ").append(i + 1).append('}');
        }
        String one = json(org, id, day, domain, "validation-failure", "mx1." + domain);
        int start = one.indexOf("\"failure-details\": [") + "\"failure-details\": [".length();
        int end = one.indexOf("]}]}", start);
        return one.substring(0, start) + details + one.substring(end);
    }

    record Download(int status, String body, HttpResponse<String> response) {
        String header(String name) {
            return response.headers().firstValue(name).orElse("");
        }
    }

    static Download get(Collector c, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(c.baseUrl() + path))
                    .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString(
                    StandardCharsets.UTF_8));
            return new Download(r.statusCode(), r.body(), r);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode api(String path) throws Exception {
        Collector.Http r = collector.get(path);
        assertEquals(200, r.status(), r.body());
        return JSON.readTree(r.body());
    }

    /** A strict RFC 4180 reader: records of fields, CRLF between records, quoted fields with "" for a quote. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' && field.length() == 0) {
                i++;
                while (true) {
                    assertTrue(i < text.length(), "unclosed quote");
                    char q = text.charAt(i);
                    if (q == '"') {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.append(q);
                    i++;
                }
                assertTrue(i >= text.length() || text.charAt(i) == ',' || text.charAt(i) == '\r',
                        "text after a closing quote at " + i);
                continue;
            }
            if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
                i++;
            } else if (c == '\r') {
                assertEquals('\n', text.charAt(i + 1), "CR without LF at " + i);
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                i += 2;
            } else {
                assertFalse(c == '\n' || c == '"', "bare LF or quote in an unquoted field at " + i);
                field.append(c);
                i++;
            }
        }
        assertTrue(field.length() == 0 && record.isEmpty(), "the last record has no CRLF");
        return records;
    }

    @Test
    void failuresCsvHasEveryGroupOfTheFilterAcrossPagesAndNeutralisesFormulas() throws Exception {
        Download d = get(collector, "/export/failures.csv?" + PERIOD);
        assertEquals(200, d.status(), d.body());
        assertTrue(d.header("content-type").startsWith("text/csv"), d.header("content-type"));
        assertEquals("attachment; filename=\"tlsrpt-failures-2026-03-01-to-2026-03-31.csv\"",
                d.header("content-disposition"));
        List<List<String>> rows = parseCsv(d.body());
        assertEquals(List.of("domain", "policy_type", "result_type", "receiving_mx", "sessions", "failure_details",
                "first_day", "last_day", "reporters", "receiving_ips", "sending_mta_ips"), rows.get(0));
        long total = api("/api/failures?" + PERIOD).get("total").asLong();
        assertEquals(1503, total);
        assertEquals(total, rows.size() - 1);
        assertEquals(Long.toString(total), d.header("x-total-count"));
        assertEquals("false", d.header("x-export-truncated"));
        for (List<String> row : rows) {
            assertEquals(11, row.size(), row.toString());
        }
        // every group once across the pages (a first page of 100, read before the answer starts, then 1,000 a page)
        assertEquals(total, rows.stream().skip(1).map(r -> r.subList(0, 4)).distinct().count());

        List<String> evil = rows.stream().filter(r -> r.get(0).equals("evil.example")).findFirst().orElseThrow();
        assertEquals("'+cmd|' /C calc'!A0", evil.get(2));
        assertEquals("'" + EVIL_ORG, evil.get(8)); // quotes, comma and line break survive, behind the '
        assertTrue(d.body().contains("\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"click, me\"\")\nsecond line\""),
                d.body().substring(0, 2000));
        // The largest group first, as on the page; numbers unquoted.
        assertEquals("many.example", rows.get(1).get(0));
        assertEquals("1500", rows.get(1).get(4));
        assertEquals("mx1500.many.example", rows.get(1).get(3));

        Download plain = get(collector, "/export/failures.csv?" + PERIOD + "&domain=plain.example"
                + "&result=certificate-expired");
        List<List<String>> p = parseCsv(plain.body());
        assertEquals(2, p.size(), plain.body());
        assertEquals(List.of("plain.example", "sts", "certificate-expired", "mx1.plain.example", "7", "1",
                "2026-03-03", "2026-03-03", "Plain Org", "192.0.2.25", "198.51.100.7"), p.get(1));
        assertEquals(api("/api/failures?" + PERIOD + "&reporter=Plain%20Org").get("total").asLong(),
                parseCsv(get(collector, "/export/failures.csv?" + PERIOD + "&reporter=Plain%20Org").body()).size()
                        - 1);
    }

    @Test
    void failuresJsonIsTheApisItemsAndTotal() throws Exception {
        Download d = get(collector, "/export/failures.json?" + PERIOD + "&unauthenticated=show&foreign=show");
        assertEquals(200, d.status(), d.body());
        assertTrue(d.header("content-type").startsWith("application/json"), d.header("content-type"));
        assertEquals("attachment; filename=\"tlsrpt-failures-2026-03-01-to-2026-03-31.json\"",
                d.header("content-disposition"));
        JsonNode exported = JSON.readTree(d.body());
        JsonNode page = api("/api/failures?" + PERIOD + "&limit=1000");
        assertEquals(page.get("total").asLong(), exported.get("total").asLong());
        assertEquals(page.get("total").asLong(), exported.get("exported").asLong());
        assertEquals(page.get("total").asLong(), exported.get("items").size());
        assertFalse(exported.get("truncated").asBoolean());
        assertEquals("2026-03-01", exported.get("filters").get("from").asText());
        for (int i = 0; i < 1000; i++) {
            assertEquals(page.get("items").get(i), exported.get("items").get(i));
        }
        JsonNode evil = null;
        for (JsonNode item : exported.get("items")) {
            if (item.get("domain").asText().equals("evil.example")) {
                evil = item;
            }
        }
        assertEquals(EVIL_ORG, evil.get("organizations").get(0).asText()); // data as sent; JSON needs no '

        JsonNode filtered = JSON.readTree(get(collector, "/export/failures.json?" + PERIOD + "&domain=PLAIN.example.")
                .body());
        assertEquals(2, filtered.get("total").asLong());
        assertEquals("plain.example", filtered.get("filters").get("domain").asText());
    }

    @Test
    void reportListAsCsvAndJsonWithTheDomainFilter() throws Exception {
        Download csv = get(collector, "/export/reports.csv?" + PERIOD);
        assertEquals(200, csv.status(), csv.body());
        assertEquals("attachment; filename=\"tlsrpt-reports-2026-03-01-to-2026-03-31.csv\"",
                csv.header("content-disposition"));
        List<List<String>> rows = parseCsv(csv.body());
        assertEquals("id", rows.get(0).get(0));
        assertEquals(api("/api/reports?" + PERIOD).get("total").asLong(), rows.size() - 1);
        assertEquals(4, rows.size() - 1);
        List<String> evil = rows.stream().filter(r -> r.get(2).equals("evil-1")).findFirst().orElseThrow();
        assertEquals("'" + EVIL_ORG, evil.get(1));
        assertEquals("2026-03-02T00:00:00Z", evil.get(3));

        Download json = get(collector, "/export/reports.json?" + PERIOD + "&domain=plain.example");
        JsonNode exported = JSON.readTree(json.body());
        JsonNode page = api("/api/reports?" + PERIOD + "&domain=plain.example");
        assertEquals(2, exported.get("total").asLong());
        assertEquals(page.get("items"), exported.get("items"));

        JsonNode all = JSON.readTree(get(collector, "/export/reports.json?from=2025-01-01&to=2026-12-31").body());
        assertEquals(api("/api/reports?from=2025-01-01&to=2026-12-31").get("total").asLong(),
                all.get("items").size());
    }

    @Test
    void badParametersAre400BeforeTheDownloadStarts() {
        Download d = get(collector, "/export/failures.csv?from=yesterday");
        assertEquals(400, d.status(), d.body());
        assertTrue(d.body().contains("'from' must be an ISO date"), d.body());
        assertEquals(400, get(collector, "/export/reports.json?foreign=maybe").status());
    }

    @Test
    void aResultLongerThanMaxRowsIsCutWithATrailer(@TempDir Path otherDir) throws Exception {
        try (Collector c = Collector.start(otherDir, Map.of("tlsrpt.export.max-rows", 700))) {
            TestReports.Answer a = TestReports.post(c.baseUrl() + "/tlsrpt", "application/tlsrpt+json",
                    bytes(many("Many Org", "many-1", "2026-03-05", "many.example", 1500)));
            assertEquals(201, a.status(), a.body());
            Download csv = get(c, "/export/failures.csv?" + PERIOD);
            assertEquals("true", csv.header("x-export-truncated"));
            List<List<String>> rows = parseCsv(csv.body());
            assertEquals(1 + 700 + 1, rows.size());
            assertEquals(List.of("# truncated: 700 of 1500 rows exported (tlsrpt.export.max-rows); narrow the period"
                    + " or the filters"), rows.get(rows.size() - 1));
            JsonNode json = JSON.readTree(get(c, "/export/failures.json?" + PERIOD).body());
            assertTrue(json.get("truncated").asBoolean());
            assertEquals(700, json.get("exported").asLong());
            assertEquals(700, json.get("items").size());
            assertEquals(1500, json.get("total").asLong());
        }
    }
}
