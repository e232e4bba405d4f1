package io.tlsrpt.collector.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.cli.ImportCommand;
import io.tlsrpt.collector.https.TestReports;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Corpus;
import io.tlsrpt.collector.support.Postgres;
import io.tlsrpt.collector.support.TestDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tlsrpt.collector.https.TestReports.bytes;
import static io.tlsrpt.collector.https.TestReports.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code import} over a folder of every kind it takes (an .eml, an mbox of three, a Maildir of two, .json,
 * .json.gz, a zip, a broken report and a file that is none of these), run twice against the collector's H2 file
 * database; then the collector started on that database shows what was imported, and a second import with
 * {@code --no-dkim} is recorded as not judged.
 */
class ImportTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    @TempDir
    static Path files;
    static TestDnsServer dns;
    /** The database settings of the import and the collector: none for H2 in dataDir, else a PostgreSQL one. */
    static final Map<String, Object> database = new HashMap<>();

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void startDns() {
        dns = TestDnsServer.start(); // DKIM keys are looked up here, on loopback: NXDOMAIN for all
        if (Postgres.enabled()) { // -Dtlsrpt.test.database=postgres: the same test on a PostgreSQL database
            database.put("datasources.default.url", Postgres.newDatabase());
            database.put("datasources.default.driver-class-name", "org.postgresql.Driver");
            database.put("datasources.default.username", Postgres.USER);
            database.put("datasources.default.password", Postgres.PASSWORD);
        }
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    static Run importer(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, Object> props = new HashMap<>(database);
        props.put("tlsrpt.data-dir", dataDir.toString());
        props.put("tlsrpt.dns.servers", List.of(dns.address()));
        int exit = ImportCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), props);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The number on the summary line that starts with {@code label:}. */
    static long count(String summary, String label) {
        Matcher m = Pattern.compile("(?m)^\\s+" + Pattern.quote(label) + ":\\s+(\\d+)").matcher(summary);
        assertTrue(m.find(), label + " in\n" + summary);
        return Long.parseLong(m.group(1));
    }

    /** A report e-mail as RFC 8460 §5.3 describes it, the report gzipped and base64-encoded. */
    static String reportMail(String org, String reportId, String day, String bodyLine) {
        byte[] gz = TestReports.gzip(bytes(json(org, reportId, day, "import.example", "certificate-host-mismatch",
                "mx1.import.example")));
        String b64 = Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(gz);
        return "From: tlsrpt@" + org.toLowerCase().replace(' ', '-') + ".example\n"
                + "To: tlsrpt@reports.example.com\n"
                + "Subject: Report Domain: import.example Submitter: reporter.example Report-ID: <" + reportId + ">\n"
                + "Date: Mon, 12 Jan 2026 06:00:00 +0000\n"
                + "Message-ID: <" + reportId + "@reporter.example>\n"
                + "TLS-Report-Domain: import.example\n"
                + "TLS-Report-Submitter: reporter.example\n"
                + "MIME-Version: 1.0\n"
                + "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b1\"\n"
                + "\n"
                + "--b1\n"
                + "Content-Type: text/plain\n"
                + "\n"
                + "This is a TLS report.\n"
                + "\n"
                + bodyLine + "\n"
                + "\n"
                + "--b1\n"
                + "Content-Type: application/tlsrpt+gzip\n"
                + "Content-Transfer-Encoding: base64\n"
                + "Content-Disposition: attachment; filename=\"reporter.example!import.example!" + reportId
                + ".json.gz\"\n"
                + "\n"
                + b64 + "\n"
                + "--b1--\n";
    }

    @Test
    void importsEveryKindOnceAndASecondRunCountsNothingTwice() throws Exception {
        Path in = Files.createDirectories(files.resolve("backfill"));
        Files.write(in.resolve("rpt01.eml"), Corpus.bytes("mail-auth/rpt01.eml"));
        // mboxrd: the separator lines, the empty line before each, and a body line escaped as ">From".
        String mbox = "From reports@one.example Mon Jan 12 06:00:00 2026\n"
                + reportMail("Mbox One", "mbox-1", "2026-01-05", ">From the start, this line was escaped") + "\n"
                + "From reports@two.example Mon Jan 12 06:00:01 2026\n"
                + reportMail("Mbox Two", "mbox-2", "2026-01-05", ">>From twice escaped") + "\n"
                + "From reports@three.example Mon Jan 12 06:00:02 2026\n"
                + reportMail("Mbox Three", "mbox-3", "2026-01-05", "no escape here") + "\n";
        Files.writeString(in.resolve("archive.mbox"), mbox, StandardCharsets.UTF_8);
        Path maildir = in.resolve("Maildir");
        Files.createDirectories(maildir.resolve("cur"));
        Files.createDirectories(maildir.resolve("new"));
        Files.createDirectories(maildir.resolve("tmp"));
        Files.writeString(maildir.resolve("cur/1768197600.M1P1.host:2,S"),
                reportMail("Maildir Cur", "maildir-1", "2026-01-06", "x"));
        Files.writeString(maildir.resolve("new/1768197601.M2P1.host"),
                reportMail("Maildir New", "maildir-2", "2026-01-06", "y"));
        // a delivery in progress: not a message yet
        Files.writeString(maildir.resolve("tmp/1768197602.M3P1.host"),
                reportMail("Maildir Tmp", "maildir-3", "2026-01-06", "z"));
        Files.writeString(maildir.resolve("dovecot-uidlist"), "3 V1768197600 N3\n");
        Path reports = Files.createDirectories(in.resolve("reports"));
        Files.write(reports.resolve("microsoft.json"), Corpus.bytes(
                "mailweave/microsoft.com!example.com!1739750400!1739836799!133843802167204397.json"));
        Files.write(reports.resolve("google.json.gz"), Corpus.bytes(
                "mailweave/google.com!example.com!1747094400!1747180799!001.json.gz"));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("a.json", bytes(json("Zip Org", "zip-a", "2026-01-07", "import.example", "dnssec-invalid",
                "mx1.import.example")));
        entries.put("b.json", bytes(json("Zip Org", "zip-b", "2026-01-08", "import.example", "dnssec-invalid",
                "mx1.import.example")));
        Files.write(reports.resolve("two.zip"), TestReports.zip(entries));
        String broken = json("Broken Org", "broken", "2026-01-09", "import.example", "x", "mx");
        Files.writeString(reports.resolve("broken.json"), broken.substring(0, broken.length() / 2));
        Files.writeString(in.resolve("notes.txt"), "shopping list: nothing to see here\n");

        Run first = importer("--progress-every", "3", in.toString());
        assertEquals(0, first.exit(), first.out() + first.err());
        String s = first.out();
        assertEquals(10, count(s, "reports stored"), s);
        assertEquals(0, count(s, "duplicate reports"), s);
        assertEquals(0, count(s, "already imported"), s);
        assertEquals(1, count(s, "quarantined"), s);
        assertTrue(s.contains("invalid-json"), s);
        assertTrue(s.contains("broken.json: quarantined (invalid-json)"), s);
        assertEquals(2, count(s, "skipped files"), s); // notes.txt and the Maildir's dovecot-uidlist
        assertTrue(s.contains("notes.txt: skipped: not an e-mail, mbox or report"), s);
        assertTrue(s.contains("10 messages and report files"), s);
        assertTrue(first.err().contains("import: 3 messages: "), first.err());
        assertTrue(first.err().contains("import: 9 messages: "), first.err());

        Run second = importer(in.toString());
        assertEquals(0, second.exit(), second.out() + second.err());
        String t = second.out();
        assertEquals(0, count(t, "reports stored"), t);
        assertEquals(0, count(t, "duplicate reports"), t);
        assertEquals(10, count(t, "already imported"), t);
        assertEquals(0, count(t, "quarantined"), t);

        // --no-dkim: recorded as not judged (a new mail, so that it is not "already imported").
        Path more = Files.createDirectories(files.resolve("more"));
        Files.writeString(more.resolve("late.eml"), reportMail("Late Org", "late-1", "2026-01-10", "late"));
        Run unjudged = importer("--no-dkim", more.resolve("late.eml").toString());
        assertEquals(0, unjudged.exit(), unjudged.out() + unjudged.err());
        assertEquals(1, count(unjudged.out(), "reports stored"), unjudged.out());

        try (Collector c = Collector.start(dataDir, database.isEmpty() ? Map.of()
                : Map.of("datasources.default.url", database.get("datasources.default.url")))) {
            JsonNode stats = JSON.readTree(c.get("/api/stats").body());
            assertEquals(11, stats.get("messagesReceived").asLong(), stats.toString());
            assertEquals(11, stats.get("reportsStored").asLong(), stats.toString());
            assertEquals(0, stats.get("messagesPending").asLong(), stats.toString());
            assertEquals(1, stats.get("quarantineEntries").asLong(), stats.toString());

            JsonNode list = JSON.readTree(c.get("/api/reports?from=2026-01-01&to=2026-01-31&limit=100").body());
            Map<String, JsonNode> byOrg = new LinkedHashMap<>();
            for (JsonNode r : list.get("items")) {
                byOrg.put(r.get("organization").asText(), r);
            }
            assertTrue(byOrg.keySet().containsAll(List.of("Mbox One", "Mbox Two", "Mbox Three", "Maildir Cur",
                    "Maildir New", "Zip Org", "Late Org")), byOrg.keySet().toString());
            assertFalse(byOrg.containsKey("Maildir Tmp"));

            JsonNode late = JSON.readTree(c.get("/api/reports/" + byOrg.get("Late Org").get("id").asLong()).body())
                    .get("detail").get("message");
            assertEquals("import-unjudged", late.get("channel").asText());
            assertEquals("not_judged", late.get("dkim").get("status").asText(), late.toString());
            JsonNode judged = JSON.readTree(c.get("/api/reports/" + byOrg.get("Mbox One").get("id").asLong())
                    .body()).get("detail").get("message");
            assertEquals("import", judged.get("channel").asText());
            assertEquals("none", judged.get("dkim").get("status").asText(), judged.toString());
            assertEquals("reports@one.example", judged.get("envelopeFrom").asText());

            // The mbox messages are stored without their separator line, unescaped once.
            String one = c.get("/messages/" + judged.get("id").asLong() + "/raw").body();
            assertTrue(one.startsWith("From: tlsrpt@mbox-one.example\n"), one);
            assertTrue(one.contains("\nFrom the start, this line was escaped\n"), one);
            assertTrue(one.endsWith("--b1--\n"), one);
            JsonNode two = JSON.readTree(c.get("/api/reports/" + byOrg.get("Mbox Two").get("id").asLong()).body())
                    .get("detail").get("message");
            assertTrue(c.get("/messages/" + two.get("id").asLong() + "/raw").body()
                    .contains("\n>From twice escaped\n"));
        }
    }
}
