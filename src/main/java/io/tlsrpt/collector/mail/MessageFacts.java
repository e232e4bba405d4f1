package io.tlsrpt.collector.mail;

/**
 * Header facts of a report message (RFC 8460 §5.3). Values are unfolded and RFC 2047-decoded, otherwise as
 * sent (untrusted, not validated); null when absent. The subject* fields come from a Subject of the form
 * {@code Report Domain: X Submitter: Y Report-ID: <Z>}; subjectReportId is Z without the angle brackets.
 * The report body, not these, is authoritative (RFC 8460 §5.6).
 */
public record MessageFacts(String tlsReportDomain, String tlsReportSubmitter, String subject, String from,
                           String messageId, String date, String subjectDomain, String subjectSubmitter,
                           String subjectReportId) {

    /** Facts of a message whose header could not be read at all. */
    public static MessageFacts none() {
        return new MessageFacts(null, null, null, null, null, null, null, null, null);
    }
}
