package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tlsrpt.collector.report.ReportAssert.failure;
import static io.tlsrpt.collector.report.ReportAssert.header;
import static io.tlsrpt.collector.report.ReportAssert.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** domainaware/parsedmarc samples (Apache-2.0); quirks as in corpus/NOTICE.md. */
class ParsedmarcCorpusTest {

    @Test
    void emptyStringFailureFieldsReadAsAbsent() {
        ParseOutcome.Parsed p = Corpus.parse("parsedmarc/empty_failure_detail_fields.json");
        TlsReport r = p.report();
        header(r, "Reporter Example", "2024-06-01T00:00:00Z_example.com", "2024-06-01T00:00:00Z",
                "2024-06-01T23:59:59Z", 1);
        policy(r.policies().get(0), "sts", "example.com", List.of(), 4, 0L, 1L, 1);
        FailureDetail d = r.policies().get(0).failureDetails().get(0);
        failure(d, "sts-policy-fetch-error", null, null, null, 1);
        assertNull(d.additionalInformation());
        assertEquals("no-policy-served", d.failureReasonCode());
        assertEquals(List.of(Notes.EMPTY_STRING), p.notes());
    }

    @Test
    void mailRuSortedKeysNextDayEndAndSumAboveTotal() {
        ParseOutcome.Parsed p = Corpus.parse("parsedmarc/mail.ru.json");
        TlsReport r = p.report();
        header(r, "Mail.ru", "b28254de-7b2e-be36-bb5c-4c3b92da8b25@mail.ru", "2024-02-22T00:00:00Z",
                "2024-02-23T00:00:00Z", 1);
        assertEquals("tls_support@corp.mail.ru", r.contactInfo());
        PolicyResult pr = r.policies().get(0);
        // failure-details came before policy in the object; sum of details (2) kept apart from the total (1)
        policy(pr, "sts", "example.com", List.of(), 0, 0L, 1L, 2);
        failure(pr.failureDetails().get(0), "sts-policy-fetch-error", null, null, null, 1);
        assertEquals("bad https response code: 404", pr.failureDetails().get(0).failureReasonCode());
        failure(pr.failureDetails().get(1), "sts-policy-fetch-error", null, null, null, 1);
        assertEquals("bad https response code: 500", pr.failureDetails().get(1).failureReasonCode());
        assertEquals(2, pr.failureDetails().stream().mapToLong(FailureDetail::failedSessionCount).sum());
        assertEquals(List.of(), p.notes());
    }

    @Test
    void rfcAppendixBWithMxHostString() {
        ParseOutcome.Parsed p = Corpus.parse("parsedmarc/rfc8460.json");
        TlsReport r = p.report();
        header(r, "Company-X", "5065427c-23d3-47ca-b6e0-946ea0e8c4be", "2016-04-01T00:00:00Z",
                "2016-04-01T23:59:59Z", 1);
        policy(r.policies().get(0), "sts", "company-y.example", ReportAssert.RFC_MX, 4, 5326L, 303L, 3);
        ReportAssert.rfcExampleFailures(r.policies().get(0).failureDetails(), ReportAssert.RFC_URI_CLEAN);
        assertEquals(List.of(Notes.MX_HOST_STRING), p.notes());
    }

    @Test
    void redactedGoogleValidationFailures() {
        ParseOutcome.Parsed p = Corpus.parse("parsedmarc/smtp_tls.json");
        TlsReport r = p.report();
        header(r, "Example Inc.", "2024-01-09T00:00:00Z_example.com", "2024-01-09T00:00:00Z",
                "2024-01-09T23:59:59Z", 1);
        PolicyResult pr = r.policies().get(0);
        policy(pr, "sts", "example.com", List.of(), 4, 0L, 3L, 2);
        failure(pr.failureDetails().get(0), "validation-failure", "example.com", "173.212.201.41", "209.85.222.201", 2);
        failure(pr.failureDetails().get(1), "validation-failure", "example.com", "173.212.201.41", "209.85.208.176", 1);
        assertNull(pr.failureDetails().get(0).failureReasonCode());
        assertEquals(List.of(), p.notes());
    }
}
