package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tlsrpt.collector.report.ReportAssert.header;
import static io.tlsrpt.collector.report.ReportAssert.policy;
import static io.tlsrpt.collector.report.ReportAssert.rangeMatchesFilename;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** opus-codium/email-report-processor sample (MIT); quirks as in corpus/NOTICE.md. */
class EmailReportProcessorCorpusTest {

    @Test
    void googleCompactWithTrailingNewline() {
        ParseOutcome.Parsed p = Corpus.parse(
                "email-report-processor/google.com!example.com!1667520000!1667606399!001.json");
        TlsReport r = p.report();
        header(r, "Google Inc.", "2022-11-04T00:00:00Z_example.com", "2022-11-04T00:00:00Z", "2022-11-04T23:59:59Z", 1);
        rangeMatchesFilename(r, 1667520000L, 1667606399L);
        policy(r.policies().get(0), "sts", "example.com", List.of("mx.example.com"), 4, 2L, 0L, 0);
        assertEquals("mode: testing", r.policies().get(0).policy().policyString().get(1));
        assertEquals(List.of(), p.notes());
    }
}
