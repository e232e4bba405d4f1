package io.tlsrpt.collector.report;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Assertions on the values a report holds, in the words of RFC 8460 §4.4. */
final class ReportAssert {

    private ReportAssert() {
    }

    static void header(TlsReport r, String organizationName, String reportId, String start, String end,
                       int policies) {
        assertEquals(organizationName, r.organizationName(), "organization-name");
        assertEquals(reportId, r.reportId(), "report-id");
        assertEquals(Instant.parse(start), r.dateRange().start(), "start-datetime");
        assertEquals(Instant.parse(end), r.dateRange().end(), "end-datetime");
        assertEquals(policies, r.policies().size(), "number of policies");
    }

    /** The RFC 8460 §5.1 filename carries the range as Unix seconds; the body must agree with it. */
    static void rangeMatchesFilename(TlsReport r, long begin, long end) {
        assertEquals(begin, r.dateRange().start().getEpochSecond(), "begin-timestamp");
        assertEquals(end, r.dateRange().end().getEpochSecond(), "end-timestamp");
    }

    static void policy(PolicyResult p, String type, String domain, List<String> mxHost, int policyStringLines,
                       Long successful, Long failed, int failureDetails) {
        assertEquals(type, p.policy().policyType().value(), "policy-type");
        assertEquals(domain, p.policy().policyDomain(), "policy-domain");
        assertEquals(mxHost, p.policy().mxHost(), "mx-host");
        assertEquals(policyStringLines, p.policy().policyString().size(), "policy-string lines");
        assertEquals(successful, p.summary().totalSuccessfulSessionCount(), "total-successful-session-count");
        assertEquals(failed, p.summary().totalFailureSessionCount(), "total-failure-session-count");
        assertEquals(failureDetails, p.failureDetails().size(), "number of failure-details");
    }

    static void failure(FailureDetail d, String resultType, String receivingMx, String receivingIp, String sendingIp,
                        long count) {
        assertEquals(resultType, d.resultType().value(), "result-type");
        assertEquals(receivingMx, d.receivingMxHostname(), "receiving-mx-hostname");
        assertEquals(receivingIp, d.receivingIp(), "receiving-ip");
        assertEquals(sendingIp, d.sendingMtaIp(), "sending-mta-ip");
        assertEquals(count, d.failedSessionCount(), "failed-session-count");
    }

    /**
     * The three failure details of the RFC 8460 Appendix B example, which five corpus files copy.
     *
     * @param additionalInformation the second entry's URI as that copy has it (some keep the RFC's line-wrap spaces)
     */
    static void rfcExampleFailures(List<FailureDetail> d, String additionalInformation) {
        assertEquals(3, d.size());
        failure(d.get(0), "certificate-expired", "mx1.mail.company-y.example", null, "2001:db8:abcd:0012::1", 100);
        failure(d.get(1), "starttls-not-supported", "mx2.mail.company-y.example", "203.0.113.56",
                "2001:db8:abcd:0013::1", 200);
        assertEquals(additionalInformation, d.get(1).additionalInformation());
        failure(d.get(2), "validation-failure", "mx-backup.mail.company-y.example", "203.0.113.58", "198.51.100.62", 3);
        assertEquals("X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED", d.get(2).failureReasonCode());
        assertEquals(ResultType.Known.CERTIFICATE_EXPIRED, d.get(0).resultType().known().orElseThrow());
    }

    static final String RFC_URI_CLEAN =
            "https://reports.company-x.example/report_info?id=5065427c-23d3#StarttlsNotSupported";
    static final String RFC_URI_WRAPPED =
            "https://reports.company-x.example/report_info ? id = 5065427 c - 23 d3# StarttlsNotSupported ";
    static final List<String> RFC_MX = List.of("*.mail.company-y.example");
}
