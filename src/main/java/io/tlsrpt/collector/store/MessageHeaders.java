package io.tlsrpt.collector.store;

/** What a message says about itself (RFC 8460 §5.3), stored as sent. */
public record MessageHeaders(String subject, String from, String messageId, String date, String tlsReportDomain,
                           String tlsReportSubmitter) {
}
