package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tlsrpt.collector.report.ReportAssert.header;
import static io.tlsrpt.collector.report.ReportAssert.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** robalexdev/tlsrpt-be samples (Apache-2.0), all synthetic; quirks as in corpus/NOTICE.md. */
class TlsrptBeCorpusTest {

    @Test
    void idnPolicyDomainAndMxHostString() {
        ParseOutcome.Parsed p = Corpus.parse("tlsrpt-be/testing.json");
        TlsReport r = p.report();
        header(r, "Company-X", "report-id-of-report-over-email-1234", "2016-04-01T00:00:00Z", "2016-04-01T23:59:59Z", 1);
        policy(r.policies().get(0), "sts", "xn--gpher-jua.test", ReportAssert.RFC_MX, 4, 5326L, 303L, 3);
        ReportAssert.rfcExampleFailures(r.policies().get(0).failureDetails(), ReportAssert.RFC_URI_WRAPPED);
        assertEquals(List.of(Notes.MX_HOST_STRING), p.notes());
    }

    @Test
    void failureTotalWithoutFailureDetails() {
        ParseOutcome.Parsed p = Corpus.parse("tlsrpt-be/report.json");
        TlsReport r = p.report();
        header(r, "Example Inc.", "report-id-from-report.json", "2025-08-04T00:00:00Z", "2025-08-04T23:59:59Z", 1);
        policy(r.policies().get(0), "no-policy-found", "xn--gpher-jua.test", List.of(), 0, 99L, 102L, 0);
        assertEquals(List.of(), p.notes());
    }
}
