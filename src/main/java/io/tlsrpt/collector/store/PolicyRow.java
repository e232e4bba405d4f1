package io.tlsrpt.collector.store;

import java.util.List;

/**
 * A policies entry as stored.
 *
 * @param policyDomain as sent (null when absent)
 * @param domain       the effective policy domain, normalised, used for grouping
 */
public record PolicyRow(int position, String policyType, String policyTypeGroup, String policyDomain,
                        String domain, String policyString, String mxHost, Long totalSuccessful,
                        Long totalFailure, List<FailureRow> failures) {
    public long successful() {
        return totalSuccessful == null ? 0 : totalSuccessful;
    }

    public long failed() {
        return totalFailure == null ? 0 : totalFailure;
    }
}
