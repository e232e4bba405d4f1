package io.tlsrpt.collector.mail;

import static io.tlsrpt.collector.mail.TestMail.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Header facts and the RFC 8460 §5.3 Subject in the forms senders use. */
class FactsTest {

    private static MessageFacts facts(String header) {
        return find(header + "Content-Type: text/plain\n\nbody\n").facts();
    }

    @Test
    void googleOneLine() {
        MessageFacts facts = facts("Subject: Report Domain: krvtz.net Submitter: google.com Report-ID:"
                + " <2024.09.15T00.00.00Z+krvtz.net@google.com>\n");
        assertEquals("krvtz.net", facts.subjectDomain());
        assertEquals("google.com", facts.subjectSubmitter());
        assertEquals("2024.09.15T00.00.00Z+krvtz.net@google.com", facts.subjectReportId());
    }

    /** Microsoft: folded before the id, no angle brackets, no "@". */
    @Test
    void microsoftFoldedWithoutBrackets() {
        MessageFacts facts = facts("Subject: Report Domain: krvtz.net Submitter: microsoft.com Report-ID:\n"
                + " 133708152202987951+krvtz.net\n");
        assertEquals("krvtz.net", facts.subjectDomain());
        assertEquals("microsoft.com", facts.subjectSubmitter());
        assertEquals("133708152202987951+krvtz.net", facts.subjectReportId());
        assertEquals("Report Domain: krvtz.net Submitter: microsoft.com Report-ID: 133708152202987951+krvtz.net",
                facts.subject());
    }

    /** Mail.ru: folded over four lines, with tabs. */
    @Test
    void foldedOverFourLines() {
        MessageFacts facts = facts("Subject: Report Domain:\n\texample.com\n\tSubmitter: mail.ru\n\tReport-ID:"
                + " <a1b2@mail.ru>\n");
        assertEquals("example.com", facts.subjectDomain());
        assertEquals("mail.ru", facts.subjectSubmitter());
        assertEquals("a1b2@mail.ru", facts.subjectReportId());
    }

    /** A prefix added on the way ("Fwd: ", "[EXTERNAL]") and an RFC 2047 encoded Subject. */
    @Test
    void prefixedAndEncoded() {
        MessageFacts prefixed = facts("Subject: [EXTERNAL] Fwd: Report Domain: a.example Submitter: b.example"
                + " Report-ID: <c@b.example>\n");
        assertEquals("a.example", prefixed.subjectDomain());
        MessageFacts encoded = facts("Subject: =?UTF-8?Q?Report_Domain:_a.example_Submitter:_b.example_Report-ID:"
                + "_<c@b.example>?=\n");
        assertEquals("Report Domain: a.example Submitter: b.example Report-ID: <c@b.example>", encoded.subject());
        assertEquals("b.example", encoded.subjectSubmitter());
    }

    @Test
    void otherSubjectOrNone() {
        MessageFacts other = facts("Subject: Hello\nFrom: \"Rep=?UTF-8?Q?=C3=B6?=rter\" <r@x.example>\n");
        assertEquals("Hello", other.subject());
        assertNull(other.subjectDomain());
        assertNull(other.subjectReportId());
        MessageFacts none = facts("From: r@x.example\n");
        assertNull(none.subject());
        assertNull(none.tlsReportDomain());
        assertNull(none.messageId());
        assertNull(none.date());
    }

    /** Header values unfolded, decoded, the first of repeated fields; raw UTF-8 allowed (RFC 6532). */
    @Test
    void headerValues() {
        MessageFacts facts = facts("""
                TLS-Report-Domain: first.example
                TLS-Report-Domain: second.example
                TLS-Report-Submitter:
                 folded.example
                From: =?UTF-8?Q?Andr=C3=A9?= <a@x.example>
                Message-ID: <id@x.example>
                Date: Mon, 01 Jan 2024 00:00:00 +0000
                Subject: Rapport été
                """);
        assertEquals("first.example", facts.tlsReportDomain());
        assertEquals("folded.example", facts.tlsReportSubmitter());
        assertEquals("André <a@x.example>", facts.from());
        assertEquals("<id@x.example>", facts.messageId());
        assertEquals("Mon, 01 Jan 2024 00:00:00 +0000", facts.date());
        assertEquals("Rapport été", facts.subject());
    }
}
