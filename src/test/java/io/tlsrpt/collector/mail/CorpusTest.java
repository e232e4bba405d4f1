package io.tlsrpt.collector.mail;

import static io.tlsrpt.collector.mail.TestMail.corpus;
import static io.tlsrpt.collector.mail.TestMail.find;
import static io.tlsrpt.collector.mail.TestMail.readJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The real and RFC-derived report e-mails in src/test/resources/corpus (see NOTICE.md there). */
class CorpusTest {

    /** Google, real, through a Cisco IronPort gateway; report-type unquoted after the boundary. */
    @Test
    void googleViaGateway() throws IOException {
        FoundReports found = find(corpus("parsedmarc/google.com_smtp_tls_report.eml"));
        ReportPart part = single(found, "google.com!cardinalhealth.ca!1725321600!1725407999!001.json.gz",
                "application/tlsrpt+gzip", Format.GZIP);
        assertJson(part, "\"report-id\":\"2024-09-03T00:00:00Z_cardinalhealth.ca\"");
        MessageFacts facts = found.facts();
        assertEquals("cardinalhealth.ca", facts.tlsReportDomain());
        assertEquals("google.com", facts.tlsReportSubmitter());
        assertEquals("<66d83c20.050a0220.a0566.1e8dtls@google.com>", facts.messageId());
        assertEquals("noreply-smtp-tls-reporting@google.com", facts.from());
        assertEquals("Wed, 04 Sep 2024 03:53:20 -0700", facts.date());
        assertEquals("cardinalhealth.ca", facts.subjectDomain());
        assertEquals("google.com", facts.subjectSubmitter());
        assertEquals("2024.09.03T00.00.00Z+cardinalhealth.ca@google.com", facts.subjectReportId());
    }

    /** Google, real, from an mbox (Status, Content-Length, Lines), trailing blank lines. */
    @Test
    void googleFromMbox() throws IOException {
        FoundReports found = find(corpus("email-report-processor/report.elm"));
        ReportPart part = single(found, "google.com!blogreen.org!1675296000!1675382399!001.json.gz",
                "application/tlsrpt+gzip", Format.GZIP);
        assertJson(part, "\"report-id\":\"2023-02-02T00:00:00Z_blogreen.org\"");
        MessageFacts facts = found.facts();
        assertEquals("blogreen.org", facts.tlsReportDomain());
        assertEquals("google.com", facts.tlsReportSubmitter());
        assertEquals("<00000000000066453b05f3c8de51@google.com>", facts.messageId());
        assertEquals("noreply-smtp-tls-reporting@google.com", facts.from());
        assertEquals("blogreen.org", facts.subjectDomain());
        assertEquals("google.com", facts.subjectSubmitter());
        assertEquals("2023.02.02T00.00.00Z+blogreen.org@google.com", facts.subjectReportId());
    }

    /** The RFC 8460 §5.3.1 example: folded Subject, quoted report-type, preamble, gzip with FNAME. */
    @Test
    void rfcExample() throws IOException {
        FoundReports found = find(corpus("mail-auth/rpt01.eml"));
        ReportPart part = single(found, "mail.sender.example!example.com!1013662812!1013749130.json.gz",
                "application/tlsrpt+gzip", Format.GZIP);
        assertJson(part, "\"report-id\": \"5065427c-23d3-47ca-b6e0-946ea0e8c4be\"");
        assertRfcFacts(found.facts());
    }

    /** application/tlsrpt with no Content-Transfer-Encoding: raw 8-bit JSON. */
    @Test
    void rawJsonWithoutTransferEncoding() throws IOException {
        FoundReports found = find(corpus("mail-auth/rpt02.eml"));
        ReportPart part = single(found, "mail.sender.example!example.com!1013662812!1013749130.json",
                "application/tlsrpt", Format.JSON);
        assertJson(part, "\"report-id\": \"2020-01-01T00:00:00Z_example.com\"");
        assertRfcFacts(found.facts());
    }

    /** CRLF line endings, one-line Subject, and no closing boundary at all. */
    @Test
    void crlfAndUnclosedMultipart() throws IOException {
        FoundReports found = find(corpus("tlsrpt-be/test.eml"));
        ReportPart part = single(found, "mail.sender.example!example.com!1013662812!1013749130.json.gz",
                "application/tlsrpt+gzip", Format.GZIP);
        assertJson(part, "\"report-id\": \"5065427c-23d3-47ca-b6e0-946ea0e8c4be\"");
        assertRfcFacts(found.facts());
    }

    /** Every e-mail in the corpus, including ones added later, gives at least one readable report. */
    @Test
    void everyCorpusMailHasAReport() throws IOException, URISyntaxException {
        URL root = getClass().getResource("/corpus");
        assertNotNull(root);
        List<Path> mails;
        try (Stream<Path> files = Files.walk(Path.of(root.toURI()))) {
            mails = files.filter(p -> p.toString().endsWith(".eml") || p.toString().endsWith(".elm")).toList();
        }
        assertEquals(5, mails.size(), "corpus e-mails: " + mails);
        for (Path mail : mails) {
            FoundReports found = find(Files.readAllBytes(mail));
            assertEquals(1, found.parts().size(), mail.toString());
            assertTrue(found.problems().isEmpty(), mail + ": " + found.problems());
            assertNotNull(found.facts().tlsReportDomain(), mail.toString());
            assertTrue(readJson(found.parts().get(0)).contains("\"report-id\""), mail.toString());
        }
    }

    /** Finding again in the same bytes gives the same parts in the same order. */
    @Test
    void stableOrder() {
        byte[] raw = corpus("parsedmarc/google.com_smtp_tls_report.eml");
        FoundReports first = find(raw);
        FoundReports second = find(raw);
        assertEquals(first.parts().size(), second.parts().size());
        for (int i = 0; i < first.parts().size(); i++) {
            assertEquals(i, second.parts().get(i).index());
            assertEquals(first.parts().get(i).fileName(), second.parts().get(i).fileName());
        }
    }

    private static ReportPart single(FoundReports found, String fileName, String type, Format format) {
        assertEquals(1, found.parts().size(), () -> "parts " + found.parts() + " problems " + found.problems());
        assertTrue(found.problems().isEmpty(), () -> "problems " + found.problems());
        ReportPart part = found.parts().get(0);
        assertEquals(0, part.index());
        assertEquals(fileName, part.fileName());
        assertEquals(type, part.declaredType());
        assertEquals(format, part.format());
        assertNull(part.zipEntry());
        return part;
    }

    private static void assertJson(ReportPart part, String reportId) throws IOException {
        String json = readJson(part);
        assertTrue(json.startsWith("{"), json);
        assertTrue(json.contains(reportId), json);
        assertFalse(json.isBlank());
    }

    private static void assertRfcFacts(MessageFacts facts) {
        assertEquals("example.net", facts.tlsReportDomain());
        assertEquals("mail.sender.example.com", facts.tlsReportSubmitter());
        assertEquals("tlsrpt@mail.sender.example.com", facts.from());
        assertNull(facts.messageId());
        assertEquals("Fri, May 09 2017 16:54:30 -0800", facts.date());
        assertEquals("example.net", facts.subjectDomain());
        assertEquals("mail.sender.example.com", facts.subjectSubmitter());
        assertEquals("735ff.e317+bf22029@example.net", facts.subjectReportId());
    }
}
