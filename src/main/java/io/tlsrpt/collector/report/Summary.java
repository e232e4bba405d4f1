package io.tlsrpt.collector.report;

/**
 * "summary", RFC 8460 §4.4. Counts are as sent: a total that differs from the sum of the failure details is kept
 * (failure types are not exclusive, §4). A count the sender left out is null, not zero, so that the page can say so.
 */
public record Summary(Long totalSuccessfulSessionCount, Long totalFailureSessionCount) {
    public long successful() {
        return totalSuccessfulSessionCount == null ? 0 : totalSuccessfulSessionCount;
    }

    public long failed() {
        return totalFailureSessionCount == null ? 0 : totalFailureSessionCount;
    }
}
