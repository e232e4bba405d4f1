package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tlsrpt.collector.report.ReportAssert.failure;
import static io.tlsrpt.collector.report.ReportAssert.header;
import static io.tlsrpt.collector.report.ReportAssert.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** cry-inc/dmarc-report-viewer samples (MIT); quirks as in corpus/NOTICE.md. */
class DmarcReportViewerCorpusTest {

    @Test
    void googleStsWithWildcardMx() {
        ParseOutcome.Parsed p = Corpus.parse("dmarc-report-viewer/google.json");
        TlsReport r = p.report();
        header(r, "Google Inc.", "2025-05-22T00:00:00Z_foo-bar.io", "2025-05-22T00:00:00Z", "2025-05-22T23:59:59Z", 1);
        assertEquals("smtp-tls-reporting@google.com", r.contactInfo());
        policy(r.policies().get(0), "sts", "foo-bar.io", List.of("*.foo-bar.io"), 4, 1L, 0L, 0);
        assertEquals(List.of("version: STSv1", "mode: enforce", "mx: *.foo-bar.io", "max_age: 2592000"),
                r.policies().get(0).policy().policyString());
        assertEquals(List.of(), p.notes());
    }

    @Test
    void googleCompactNoPolicyFound() {
        ParseOutcome.Parsed p = Corpus.parse("dmarc-report-viewer/google@bbd2196.json");
        TlsReport r = p.report();
        header(r, "Google Inc.", "2025-04-12T00:00:00Z_domain.de", "2025-04-12T00:00:00Z", "2025-04-12T23:59:59Z", 1);
        policy(r.policies().get(0), "no-policy-found", "domain.de", List.of(), 0, 2L, 0L, 0);
        assertEquals(PolicyType.Known.NO_POLICY_FOUND, r.policies().get(0).policy().policyType().known().orElseThrow());
        assertEquals(List.of(), p.notes());
    }

    @Test
    void microsoftStsPlusTlsaWithPackedTlsaPolicyString() {
        ParseOutcome.Parsed p = Corpus.parse("dmarc-report-viewer/microsoft.json");
        TlsReport r = p.report();
        header(r, "Microsoft Corporation", "133925885310113267+random.net", "2025-05-23T00:00:00Z",
                "2025-05-23T23:59:59Z", 2);
        assertEquals("tlsrpt-noreply@microsoft.com", r.contactInfo());
        policy(r.policies().get(0), "sts", "random.net", List.of(), 4, 2L, 0L, 0);
        // tlsa policy-domain is the recipient domain, not the TLSA base domain (MX host): kept as sent.
        policy(r.policies().get(1), "tlsa", "random.net", List.of(), 2, 2L, 0L, 0);
        assertEquals(List.of(
                        "3 1 1 6007EEE553E85D8DF007A845D19EC343283D4E416E9A33F9EF3040C8B7C285BC",
                        "3 1 1 837C773D54C2E2BD71871A3FC352BE8214D5646CBAE5E3091401A7274717998B"),
                r.policies().get(1).policy().policyString());
        assertEquals(List.of(Notes.TLSA_PACKED), p.notes());
    }

    @Test
    void noContactInfoAndMxPrefixedMxHost() {
        ParseOutcome.Parsed p = Corpus.parse("dmarc-report-viewer/no-contact.json");
        TlsReport r = p.report();
        // end-datetime is the next day's 00:00:00Z, not 23:59:59Z
        header(r, "server.com", "123_456", "2026-01-11T00:00:00Z", "2026-01-12T00:00:00Z", 1);
        assertNull(r.contactInfo());
        policy(r.policies().get(0), "sts", "server.com", List.of("mx: mx.server.com"), 4, 1L, 0L, 0);
        assertEquals("mx.server.com", HostNames.normalize(r.policies().get(0).policy().mxHost().get(0)));
        assertEquals(List.of(Notes.MX_HOST_PREFIX, Notes.NO_CONTACT_INFO), p.notes());
    }

    @Test
    void googleNoPolicyFound() {
        ParseOutcome.Parsed p = Corpus.parse("dmarc-report-viewer/no-policy.json");
        TlsReport r = p.report();
        header(r, "Google Inc.", "2025-03-27T00:00:00Z_foo-bar.io", "2025-03-27T00:00:00Z", "2025-03-27T23:59:59Z", 1);
        policy(r.policies().get(0), "no-policy-found", "foo-bar.io", List.of(), 0, 1L, 0L, 0);
        assertEquals(List.of(), p.notes());
    }

    @Test
    void microsoftFetchErrorWithoutIpOrMx() {
        ParseOutcome.Parsed p = Corpus.parse("dmarc-report-viewer/no_ip_and_mx.json");
        TlsReport r = p.report();
        // Microsoft's "<digits>+<domain>" report-id with an empty domain part
        header(r, "Microsoft Corporation", "1234567890+", "2025-06-14T00:00:00Z", "2025-06-14T23:59:59Z", 1);
        policy(r.policies().get(0), "sts", "xxxxxxxx.xx", List.of(), 0, 0L, 3L, 1);
        FailureDetail d = r.policies().get(0).failureDetails().get(0);
        failure(d, "sts-policy-fetch-error", null, null, null, 3);
        assertNull(d.receivingMxHelo());
        assertNull(d.failureReasonCode());
        assertEquals(ResultType.Known.STS_POLICY_FETCH_ERROR, d.resultType().known().orElseThrow());
        assertEquals(List.of(), p.notes());
    }

    @Test
    void rfcExampleCorrected() {
        ParseOutcome.Parsed p = Corpus.parse("dmarc-report-viewer/rfc-example.json");
        TlsReport r = p.report();
        header(r, "Company-X", "5065427c-23d3-47ca-b6e0-946ea0e8c4be", "2016-04-01T00:00:00Z",
                "2016-04-01T23:59:59Z", 1);
        assertEquals("sts-reporting@company-x.example", r.contactInfo());
        policy(r.policies().get(0), "sts", "company-y.example", ReportAssert.RFC_MX, 4, 5326L, 303L, 3);
        ReportAssert.rfcExampleFailures(r.policies().get(0).failureDetails(), ReportAssert.RFC_URI_CLEAN);
        assertEquals(List.of(), p.notes());
    }

    @Test
    void rfcExampleWithMxHostString() {
        ParseOutcome.Parsed p = Corpus.parse("dmarc-report-viewer/full-example@bbd2196.json");
        TlsReport r = p.report();
        header(r, "Company-X", "5065427c-23d3-47ca-b6e0-946ea0e8c4be", "2016-04-01T00:00:00Z",
                "2016-04-01T23:59:59Z", 1);
        policy(r.policies().get(0), "sts", "company-y.example", ReportAssert.RFC_MX, 4, 5326L, 303L, 3);
        ReportAssert.rfcExampleFailures(r.policies().get(0).failureDetails(), ReportAssert.RFC_URI_CLEAN);
        assertEquals(List.of(Notes.MX_HOST_STRING), p.notes());
    }
}
