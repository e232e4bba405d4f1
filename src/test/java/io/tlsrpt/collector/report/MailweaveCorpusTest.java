package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tlsrpt.collector.report.ReportAssert.failure;
import static io.tlsrpt.collector.report.ReportAssert.header;
import static io.tlsrpt.collector.report.ReportAssert.policy;
import static io.tlsrpt.collector.report.ReportAssert.rangeMatchesFilename;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** aldy505/mailweave samples (MIT): real reports from four senders, redacted; quirks as in corpus/NOTICE.md. */
class MailweaveCorpusTest {
    static final String GOOGLE = "mailweave/google.com!example.com!1747094400!1747180799!001.json";
    static final List<String> MX = List.of("incoming-smtp-1.example.com", "incoming-smtp-2.example.com",
            "incoming-smtp-3.example.com");

    @Test
    void googleThreeMxLines() {
        assertGoogle(Corpus.parse(GOOGLE));
    }

    @Test
    void googleGzippedIsTheSameReport() {
        byte[] json = Corpus.gunzip(GOOGLE + ".gz");
        assertArrayEquals(Corpus.bytes(GOOGLE), json);
        assertGoogle(Corpus.parsed(json));
    }

    private static void assertGoogle(ParseOutcome.Parsed p) {
        TlsReport r = p.report();
        header(r, "Google Inc.", "2025-05-13T00:00:00Z_example.com", "2025-05-13T00:00:00Z", "2025-05-13T23:59:59Z", 1);
        rangeMatchesFilename(r, 1747094400L, 1747180799L);
        policy(r.policies().get(0), "sts", "example.com", MX, 6, 48L, 0L, 0);
        assertEquals(List.of(), p.notes());
    }

    @Test
    void microsoftHostMismatchWithoutSendingIp() {
        ParseOutcome.Parsed p = Corpus.parse(
                "mailweave/microsoft.com!example.com!1739750400!1739836799!133843802167204397.json");
        TlsReport r = p.report();
        header(r, "Microsoft Corporation", "133843802167204397+example.com", "2025-02-17T00:00:00Z",
                "2025-02-17T23:59:59Z", 1);
        rangeMatchesFilename(r, 1739750400L, 1739836799L);
        PolicyResult pr = r.policies().get(0);
        policy(pr, "sts", "example.com", List.of(), 6, 0L, 21L, 1);
        failure(pr.failureDetails().get(0), "certificate-host-mismatch", "outgoing-smtp-2.example.com", "192.0.2.4",
                null, 21);
        assertEquals(List.of(), p.notes());
    }

    @Test
    void mimecastHexReportIdAndEmptyFailureDetails() {
        ParseOutcome.Parsed p = Corpus.parse("mailweave/mimecast.org!example.com!1742860800!1742947199!"
                + "c7115a9ad9266efcddcb560fc5963028de5d922f5d1bf878e8ec82a8d6a5cf2c.json");
        TlsReport r = p.report();
        header(r, "Mimecast", "c7115a9ad9266efcddcb560fc5963028de5d922f5d1bf878e8ec82a8d6a5cf2c",
                "2025-03-25T00:00:00Z", "2025-03-25T23:59:59Z", 1);
        rangeMatchesFilename(r, 1742860800L, 1742947199L);
        assertEquals("noreply@mimecast.org", r.contactInfo());
        policy(r.policies().get(0), "sts", "example.com", MX, 6, 2L, 0L, 0);
        assertEquals(List.of(), p.notes());
    }

    @Test
    void ppatkFilenameWithoutUniqueId() {
        ParseOutcome.Parsed p = Corpus.parse("mailweave/ppatk.go.id!example.com!1740960000!1741046399.json");
        TlsReport r = p.report();
        header(r, "Pusat Pelaporan dan Analisis Transaksi Keuangan", "704051FED8E54D19B0DA07FF29771339",
                "2025-03-03T00:00:00Z", "2025-03-03T23:59:59Z", 1);
        rangeMatchesFilename(r, 1740960000L, 1741046399L);
        assertEquals("postmaster@ppatk.go.id", r.contactInfo());
        policy(r.policies().get(0), "sts", "example.com", MX, 6, 1L, 0L, 0);
        assertEquals(List.of(), p.notes());
    }
}
