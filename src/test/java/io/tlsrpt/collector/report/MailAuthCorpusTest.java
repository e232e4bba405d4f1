package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.tlsrpt.collector.report.ReportAssert.failure;
import static io.tlsrpt.collector.report.ReportAssert.header;
import static io.tlsrpt.collector.report.ReportAssert.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** stalwartlabs/mail-auth samples (Apache-2.0 OR MIT); quirks as in corpus/NOTICE.md. */
class MailAuthCorpusTest {

    @Test
    void rfcExampleWithWrappedUriKeptVerbatim() {
        ParseOutcome.Parsed p = Corpus.parse("mail-auth/rpt01.json");
        TlsReport r = p.report();
        header(r, "Company-X", "5065427c-23d3-47ca-b6e0-946ea0e8c4be", "2016-04-01T00:00:00Z",
                "2016-04-01T23:59:59Z", 1);
        policy(r.policies().get(0), "sts", "company-y.example", ReportAssert.RFC_MX, 4, 5326L, 303L, 3);
        ReportAssert.rfcExampleFailures(r.policies().get(0).failureDetails(), ReportAssert.RFC_URI_WRAPPED);
        assertEquals(List.of(), p.notes());
    }

    @Test
    void sevenDayRangeAndReportIdFirst() {
        ParseOutcome.Parsed p = Corpus.parse("mail-auth/rpt02.json");
        TlsReport r = p.report();
        header(r, "Google Inc.", "2020-01-01T00:00:00Z_example.com", "2020-01-01T00:00:00Z", "2020-01-07T23:59:59Z", 1);
        PolicyResult pr = r.policies().get(0);
        policy(pr, "sts", "example.com", List.of(), 4, 23L, 1L, 1);
        failure(pr.failureDetails().get(0), "certificate-host-mismatch", "demo.example.com", "234.234.234.234",
                "123.123.123.123", 1);
        assertEquals(List.of(), p.notes());
    }

    @Test
    void noPolicyDomainMissingFailureTotalAndUnknownPolicyType() {
        ParseOutcome.Parsed p = Corpus.parse("mail-auth/rpt03.json");
        TlsReport r = p.report();
        header(r, "Google Inc.", "2019-04-14T00:00:00Z_example.org", "2019-04-14T00:00:00Z", "2019-04-14T23:59:59Z", 2);
        policy(r.policies().get(0), "no-policy-found", null, List.of(), 0, 1L, null, 0);
        policy(r.policies().get(1), "invalid-policy-type", null, List.of(), 0, 1L, null, 0);
        assertEquals(Optional.empty(), r.policies().get(1).policy().policyType().known());
        assertNull(r.policies().get(0).summary().totalFailureSessionCount());
        assertEquals(0, r.policies().get(0).summary().failed());
        assertEquals(List.of(Notes.NO_POLICY_DOMAIN, Notes.NO_SUMMARY_COUNT), p.notes());
    }
}
