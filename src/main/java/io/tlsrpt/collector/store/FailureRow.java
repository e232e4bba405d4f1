package io.tlsrpt.collector.store;

/** A failure-details entry as stored: values as sent, with the normalised MX name beside the original. */
public record FailureRow(String resultType, String resultTypeGroup, String sendingMtaIp,
                         String receivingMxHostname, String receivingMxNorm, String receivingMxHelo,
                         String receivingIp, long failedSessionCount, String additionalInformation,
                         String failureReasonCode) {
}
