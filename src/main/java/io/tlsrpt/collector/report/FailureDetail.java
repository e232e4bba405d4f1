package io.tlsrpt.collector.report;

/**
 * One "failure-details" entry, RFC 8460 §4.4. Every string is as sent (an invalid IP literal included) or null
 * when absent, null or empty.
 */
public record FailureDetail(ResultType resultType, String sendingMtaIp, String receivingMxHostname,
                            String receivingMxHelo, String receivingIp, long failedSessionCount,
                            String additionalInformation, String failureReasonCode) {
}
